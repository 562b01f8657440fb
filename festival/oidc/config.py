"""The OpenID Connect providers of a site, from the environment (docs/sign-in.md).

``OIDC_PROVIDERS=learningplanet,keycloak`` names them (lower-case letters, digits, ``-``), in
the order of their buttons; each then has ``OIDC_<NAME>_ISSUER``, ``_CLIENT_ID``,
``_CLIENT_SECRET`` (required), ``_SCOPES`` (default ``openid email profile``) and ``_LABEL``
(the button says "Sign in with <label>"; default: the name). ``<NAME>`` is the name in capitals
with ``-`` as ``_``. No ``OIDC_PROVIDERS``: no provider, no button.

Imports nothing from the rest of festival: festival/settings.py reads it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

NAME_RULE = "lower-case letters, digits and '-', starting with a letter, at most 32"
DEFAULT_SCOPES = ("openid", "email", "profile")


class ProviderConfigError(ValueError):
    """A provider setting that cannot be used."""


@dataclass(frozen=True)
class OidcProvider:
    """One provider the site trusts to say who someone is."""

    name: str  # in URLs: /signin/oidc/<name>
    issuer: str  # exactly as the provider's discovery document says it (no trailing "/")
    client_id: str
    client_secret: str
    label: str  # shown on the button
    scopes: tuple[str, ...] = DEFAULT_SCOPES

    @property
    def discovery_url(self) -> str:
        """OpenID Connect Discovery 1.0 §4: the issuer followed by the well-known path."""
        return self.issuer + "/.well-known/openid-configuration"

    def __repr__(self) -> str:  # never print the secret
        return f"OidcProvider(name={self.name!r}, issuer={self.issuer!r})"


def env_prefix(name: str) -> str:
    return "OIDC_" + name.upper().replace("-", "_") + "_"


def parse_providers(env: Mapping[str, str]) -> tuple[OidcProvider, ...]:
    """The providers ``OIDC_PROVIDERS`` names, each from its ``OIDC_<NAME>_*`` variables."""
    names = [part.strip() for part in (env.get("OIDC_PROVIDERS") or "").split(",")]
    found: list[OidcProvider] = []
    for name in (n for n in names if n):
        if re.fullmatch(r"[a-z][a-z0-9-]{0,31}", name) is None:
            raise ProviderConfigError(f"OIDC_PROVIDERS: {name!r} is not a name ({NAME_RULE})")
        if any(p.name == name for p in found):
            raise ProviderConfigError(f"OIDC_PROVIDERS names {name!r} twice")
        found.append(_provider(env, name))
    return tuple(found)


def _provider(env: Mapping[str, str], name: str) -> OidcProvider:
    prefix = env_prefix(name)

    def required(key: str) -> str:
        value = (env.get(prefix + key) or "").strip()
        if not value:
            raise ProviderConfigError(f"{prefix}{key} is not set (OIDC_PROVIDERS names {name!r})")
        return value

    issuer = required("ISSUER").rstrip("/")
    if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ProviderConfigError(
            f"{prefix}ISSUER={issuer!r}: an issuer is an https:// URL (http only on loopback)"
        )
    scopes = tuple((env.get(prefix + "SCOPES") or "").split()) or DEFAULT_SCOPES
    if "openid" not in scopes:
        raise ProviderConfigError(f"{prefix}SCOPES must include openid")
    return OidcProvider(
        name=name,
        issuer=issuer,
        client_id=required("CLIENT_ID"),
        client_secret=required("CLIENT_SECRET"),
        label=(env.get(prefix + "LABEL") or "").strip() or name,
        scopes=scopes,
    )
