"""The relying party: discovery, the authorization request, the code exchange and the ID token's
checks (OpenID Connect Core 1.0 §3.1, with PKCE, RFC 7636).

One :class:`OidcClient` per app (festival/app.py builds it) keeps each provider's discovery
document (for an hour) and its keys (until a token names a key id they lack: then they are
fetched again, at most once every ``JWKS_REFETCH_SECONDS``, so the provider can rotate keys).
Protocol messages go through authlib (the authorization URL, the token request); the ID token
is checked by festival/oidc/tokens.py against the app's clock, so that "now" is the injected one.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx2 as httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import errors as jose_errors
from joserfc.jwk import KeySet

from festival.i18n import gettext as _
from festival.oidc import errors, tokens
from festival.oidc.config import OidcProvider
from festival.oidc.tokens import LEEWAY_SECONDS, Claims

__all__ = ["FLOW_SECONDS", "JWKS_REFETCH_SECONDS", "LEEWAY_SECONDS", "Claims", "Flow", "OidcClient"]

#: A discovery document is read again after this long.
DISCOVERY_SECONDS = 3600
#: An unknown key id refetches the provider's keys at most this often (a forged token naming
#: random key ids must not make us hammer the provider).
JWKS_REFETCH_SECONDS = 10
#: How long a sign-in started here may take at the provider.
FLOW_SECONDS = 15 * 60
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Discovery:
    """What the provider's discovery document says (OpenID Connect Discovery 1.0 §3)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    fetched_at: float  # time.monotonic()


@dataclass(frozen=True)
class Flow:
    """A sign-in this browser started: kept in its signed cookie session until the answer."""

    provider: str
    state: str
    nonce: str
    code_verifier: str
    next_path: str
    started_at: int  # Unix time, the app's clock
    link_account_id: int | None = None  # signed in already: link the identity to this account

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "state": self.state,
            "nonce": self.nonce,
            "code_verifier": self.code_verifier,
            "next_path": self.next_path,
            "started_at": self.started_at,
            "link_account_id": self.link_account_id,
        }

    @classmethod
    def from_json(cls, data: object) -> Flow | None:
        if not isinstance(data, dict):
            return None
        try:
            link = data.get("link_account_id")
            return cls(
                provider=str(data["provider"]),
                state=str(data["state"]),
                nonce=str(data["nonce"]),
                code_verifier=str(data["code_verifier"]),
                next_path=str(data["next_path"]),
                started_at=int(data["started_at"]),
                link_account_id=int(link) if link is not None else None,
            )
        except (KeyError, TypeError, ValueError):
            return None


class OidcClient:
    """The site's providers, their discovery documents and their keys."""

    def __init__(self, providers: tuple[OidcProvider, ...]) -> None:
        self.providers = {provider.name: provider for provider in providers}
        self._discovery: dict[str, Discovery] = {}
        self._keys: dict[str, tuple[KeySet, float]] = {}

    def provider(self, name: str) -> OidcProvider | None:
        return self.providers.get(name)

    async def _get_json(self, url: str, what: str, provider: OidcProvider) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as http:
                response = await http.get(url, headers={"Accept": "application/json"})
            data = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            data = None
        if not isinstance(data, dict):
            raise errors.ProviderDownError(
                _(
                    "%(provider)s is not answering (%(what)s). Try again in a few minutes.",
                    provider=provider.label,
                    what=what,
                )
            )
        return data

    async def discover(self, provider: OidcProvider) -> Discovery:
        cached = self._discovery.get(provider.name)
        if cached is not None and time.monotonic() - cached.fetched_at < DISCOVERY_SECONDS:
            return cached
        data = await self._get_json(provider.discovery_url, _("its discovery document"), provider)
        # Discovery §4.3: the issuer in the document is exactly the one configured.
        if data.get("issuer") != provider.issuer:
            raise errors.IssuerError(
                _(
                    "%(provider)s calls itself %(given)s, not %(issuer)s: the site's "
                    "configuration does not match the provider.",
                    provider=provider.label,
                    given=repr(data.get("issuer")),
                    issuer=repr(provider.issuer),
                )
            )
        try:
            found = Discovery(
                issuer=provider.issuer,
                authorization_endpoint=str(data["authorization_endpoint"]),
                token_endpoint=str(data["token_endpoint"]),
                jwks_uri=str(data["jwks_uri"]),
                end_session_endpoint=(
                    str(data["end_session_endpoint"]) if data.get("end_session_endpoint") else None
                ),
                fetched_at=time.monotonic(),
            )
        except KeyError:
            raise errors.ProviderDownError(
                _("%(provider)s sent an incomplete discovery document.", provider=provider.label)
            ) from None
        self._discovery[provider.name] = found
        return found

    async def _key_set(self, provider: OidcProvider, kid: str | None, now: float) -> KeySet:
        cached = self._keys.get(provider.name)
        if cached is not None:
            keys, fetched_at = cached
            known = kid is None or any(key.kid == kid for key in keys.keys)
            if known or now - fetched_at < JWKS_REFETCH_SECONDS:
                return keys
        discovery = await self.discover(provider)
        data = await self._get_json(discovery.jwks_uri, _("its signing keys"), provider)
        try:
            keys = KeySet.import_key_set(data)  # type: ignore[arg-type]
        except (jose_errors.JoseError, ValueError, TypeError, KeyError):
            raise errors.ProviderDownError(
                _("%(provider)s sent keys that cannot be read.", provider=provider.label)
            ) from None
        self._keys[provider.name] = (keys, now)
        return keys

    async def begin(
        self,
        provider: OidcProvider,
        redirect_uri: str,
        next_path: str,
        now: datetime,
        link_account_id: int | None = None,
    ) -> tuple[str, Flow]:
        """The provider's authorization URL to send the browser to, and the flow to keep."""
        discovery = await self.discover(provider)
        flow = Flow(
            provider=provider.name,
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(48),  # RFC 7636 §4.1: 43 to 128 characters
            next_path=next_path,
            started_at=int(now.timestamp()),
            link_account_id=link_account_id,
        )
        async with self._oauth(provider, redirect_uri) as client:  # builds the URL, no I/O
            url, _ = client.create_authorization_url(
                discovery.authorization_endpoint,
                state=flow.state,
                code_verifier=flow.code_verifier,
                nonce=flow.nonce,
            )
        return str(url), flow

    def _oauth(self, provider: OidcProvider, redirect_uri: str) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            scope=" ".join(provider.scopes),
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=TIMEOUT_SECONDS,
        )

    async def finish(
        self, provider: OidcProvider, flow: Flow, code: str, redirect_uri: str, now: datetime
    ) -> Claims:
        """Exchange the code and check the ID token; who signed in, or a SignInError."""
        if int(now.timestamp()) - flow.started_at > FLOW_SECONDS:
            raise errors.StateError(
                _("This sign-in took too long at the provider. Start again from the sign-in page.")
            )
        discovery = await self.discover(provider)
        try:
            async with self._oauth(provider, redirect_uri) as client:
                token = await client.fetch_token(
                    discovery.token_endpoint, code=code, code_verifier=flow.code_verifier
                )
        except httpx.HTTPError:
            raise errors.ProviderDownError(
                _(
                    "%(provider)s is not answering (%(what)s). Try again in a few minutes.",
                    provider=provider.label,
                    what=_("the token request"),
                )
            ) from None
        except (AuthlibBaseError, ValueError) as exc:
            raise errors.TokenRefusedError(
                _(
                    "%(provider)s refused this sign-in (%(reason)s). Start again from the "
                    "sign-in page.",
                    provider=provider.label,
                    reason=exc,
                )
            ) from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise errors.ForgedTokenError(
                _("%(provider)s sent no ID token.", provider=provider.label)
            )
        return await self.check_id_token(provider, id_token, flow.nonce, now)

    async def check_id_token(
        self, provider: OidcProvider, id_token: str, nonce: str, now: datetime
    ) -> Claims:
        """The ID token's claims once checked (festival/oidc/tokens.py), with the provider's
        keys (fetched again when the token names a key id they lack)."""
        kid = tokens.key_id(provider, id_token)
        keys = await self._key_set(provider, kid, now.timestamp())
        return tokens.check(provider, id_token, keys, nonce, now)

    async def logout_url(
        self, provider: OidcProvider, id_token: str | None, post_logout_redirect_uri: str
    ) -> str | None:
        """RP-Initiated Logout 1.0 §2: where to send the browser to sign out at the provider,
        or None when it offers no end_session_endpoint (or cannot be reached)."""
        try:
            discovery = await self.discover(provider)
        except errors.SignInError:
            return None
        if discovery.end_session_endpoint is None:
            return None
        params = {
            "client_id": provider.client_id,
            "post_logout_redirect_uri": post_logout_redirect_uri,
        }
        if id_token:
            params["id_token_hint"] = id_token
        return str(httpx.URL(discovery.end_session_endpoint, params=params))
