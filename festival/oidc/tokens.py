"""Checking an ID token (OpenID Connect Core 1.0 §3.1.3.7), as pure functions of the token, the
provider's keys and "now" (the app's clock): signature (asymmetric algorithms only), ``iss``,
``aud`` (and ``azp`` when there are several audiences), ``exp`` and ``iat`` with
``LEEWAY_SECONDS`` of tolerance, ``nonce``. Each refusal is a :class:`errors.SignInError` with
its code (festival/oidc/errors.py). festival/oidc/client.py fetches the keys.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from joserfc import errors as jose_errors
from joserfc import jws, jwt
from joserfc.jwk import KeySet

from festival.i18n import gettext as _
from festival.oidc import errors
from festival.oidc.config import OidcProvider

#: Seconds two clocks may disagree by (an ID token issued this far "in the future" is fine).
LEEWAY_SECONDS = 120
#: Asymmetric signatures only: "none" and HS256 (keyed with the client secret) are refused.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")


@dataclass(frozen=True)
class Claims:
    """Who the provider says signed in: only what the platform keeps."""

    issuer: str
    subject: str
    email: str
    email_verified: bool
    name: str
    language: str
    id_token: str  # kept for the logout at the provider (id_token_hint)


def _forged(provider: OidcProvider) -> errors.SignInError:
    return errors.ForgedTokenError(
        _(
            "The answer from %(provider)s is not signed by %(provider)s: it was refused.",
            provider=provider.label,
        )
    )


def key_id(provider: OidcProvider, id_token: str) -> str | None:
    """The key id the token's header names (None: none named); a malformed token is forged."""
    try:
        header = jws.extract_compact(id_token.encode()).protected
    except (jose_errors.JoseError, ValueError):
        raise _forged(provider) from None
    kid = header.get("kid")
    return kid if isinstance(kid, str) else None


def check(provider: OidcProvider, id_token: str, keys: KeySet, nonce: str, now: datetime) -> Claims:
    """OpenID Connect Core §3.1.3.7: signature, iss, aud (and azp), exp, iat, nonce."""
    try:
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
    except (jose_errors.JoseError, ValueError):
        raise _forged(provider) from None
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=int(now.timestamp()),
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": provider.issuer},
        sub={"essential": True},
        aud={"essential": True, "value": provider.client_id},
        exp={"essential": True},
        iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except jose_errors.ExpiredTokenError:
        raise errors.ExpiredTokenError(
            _(
                "The answer from %(provider)s has expired. If this computer's clock is "
                "right, start again from the sign-in page.",
                provider=provider.label,
            )
        ) from None
    except jose_errors.ClaimError as exc:
        raise _claim_error(provider, exc.claim) from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise _claim_error(provider, "aud")
    if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(
        claims["nonce"], nonce
    ):
        raise errors.NonceError(
            _(
                "The answer from %(provider)s was made for another sign-in. Start again "
                "from the sign-in page.",
                provider=provider.label,
            )
        )
    email = claims.get("email")
    name = claims.get("name") or claims.get("preferred_username") or ""
    language = claims.get("locale")
    return Claims(
        issuer=provider.issuer,
        subject=str(claims["sub"]),
        email=email.strip()[:254] if isinstance(email, str) else "",
        email_verified=claims.get("email_verified") is True,
        name=name.strip()[:120] if isinstance(name, str) else "",
        language=language[:16] if isinstance(language, str) else "",
        id_token=id_token,
    )


def _claim_error(provider: OidcProvider, claim: str) -> errors.SignInError:
    if claim == "aud":
        return errors.AudienceError(
            _(
                "The answer from %(provider)s was issued to another application: it was refused.",
                provider=provider.label,
            )
        )
    if claim == "iss":
        return errors.IssuerError(
            _(
                "The answer did not come from %(provider)s as configured: it was refused.",
                provider=provider.label,
            )
        )
    if claim in ("iat", "nbf"):
        return errors.ClockSkewError(
            _(
                "The answer from %(provider)s is dated more than %(minutes)s minutes in the "
                "future: a clock (this site's or the provider's) is wrong. Try again later; "
                "if it persists, tell the site's operator.",
                provider=provider.label,
                minutes=LEEWAY_SECONDS // 60,
            )
        )
    return errors.ForgedTokenError(
        _(
            "The answer from %(provider)s lacks what an ID token must say (%(claim)s).",
            provider=provider.label,
            claim=claim,
        )
    )
