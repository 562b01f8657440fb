"""Security headers on every HTTP response, the server-error page included.

The Content-Security-Policy lets a page run only this site's own script files and style sheets:
no inline ``<script>``, no ``onclick=``, no ``style=`` attributes (static/js sets styles through
the CSSOM, which the policy does not govern), no ``eval``. Injected markup, should any ever get
past the templates' escaping, cannot run. ``frame-ancestors 'none'`` (and ``X-Frame-Options``
for browsers without CSP 2) keeps every page out of frames: no clickjacking of Ban or of the
import confirmation. HSTS is sent only when ``SITE_URL`` is https: the site is then always
reached over TLS, even when the app itself sees http behind a proxy.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from festival.settings import Settings

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        # fetch and the room's WebSocket: CSP 3 lets 'self' match ws:/wss: on the same host.
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
#: One year; no includeSubDomains: other sites of the same domain are not ours to decide.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


def security_headers(settings: Settings) -> dict[str, str]:
    """The headers every response of this site carries."""
    policy = CONTENT_SECURITY_POLICY
    if settings.oidc_providers:
        # Sign-in and sign-out forms redirect to the providers, and browsers hold a form's
        # redirects to form-action too (CSP 3 §6.4.1): allow exactly their origins.
        origins = sorted({_origin(p.issuer) for p in settings.oidc_providers})
        policy = policy.replace("form-action 'self'", " ".join(["form-action 'self'", *origins]))
    headers = {
        "Content-Security-Policy": policy,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        # Other sites learn where a visitor came from (the origin), never the page (paths can
        # hold tokens). Pages that hold a secret send no-referrer themselves.
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    if settings.site_url.startswith("https://"):
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return headers


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


class SecurityHeaders:
    """ASGI middleware adding ``headers`` to every HTTP response that does not set its own."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = list(headers.items())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
