"""The one rule for the attributes of every cookie the site sets.

``Secure`` follows ``SITE_URL``, never the scheme a request arrived with: behind a TLS proxy
the app sees http while browsers use https, and a cookie set without ``Secure`` there (the
agenda's token, say) would also be sent over plain http.
"""

from __future__ import annotations

from starlette.responses import Response

from festival.settings import Settings


def secure(settings: Settings) -> bool:
    """Whether cookies carry ``Secure``: when the site is served over https."""
    return settings.site_url.startswith("https://")


def set_cookie(response: Response, settings: Settings, name: str, value: str, max_age: int) -> None:
    """A site-wide, HttpOnly, SameSite=Lax cookie (``Secure`` by the rule above)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure(settings),
    )
