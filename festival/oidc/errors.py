"""What can go wrong when someone signs in with a provider: each a stable code, an HTTP status
and a sentence for the page (festival/routes/oidc.py shows it; nothing is created)."""

from __future__ import annotations

from festival.errors import FestivalError


class SignInError(FestivalError):
    """The sign-in with a provider did not happen; nothing was created or changed."""

    status_code = 400
    code = "oidc.failed"


class ProviderDownError(SignInError):
    """The provider did not answer, or answered something that is not what it must."""

    status_code = 502
    code = "oidc.provider_down"


class StateError(SignInError):
    """The answer does not belong to a sign-in this browser started (forged, replayed, late)."""

    code = "oidc.state"


class TokenRefusedError(SignInError):
    """The provider refused to exchange the code (used twice, expired, or not ours)."""

    code = "oidc.code_refused"


class ForgedTokenError(SignInError):
    """The ID token is not signed by a key of the provider, or is malformed."""

    code = "oidc.token_forged"


class ExpiredTokenError(SignInError):
    code = "oidc.token_expired"


class AudienceError(SignInError):
    """The ID token was issued to another application (OpenID Connect Core §3.1.3.7 (3))."""

    code = "oidc.audience"


class IssuerError(SignInError):
    code = "oidc.issuer"


class ClockSkewError(SignInError):
    """The ID token says it was issued (or becomes valid) further in the future than the
    tolerance: one of the two clocks is wrong."""

    code = "oidc.clock_skew"


class NonceError(SignInError):
    code = "oidc.nonce"


class DeniedError(SignInError):
    """The person (or the provider) said no at the provider."""

    code = "oidc.denied"
