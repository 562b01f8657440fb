"""An issuer of our own, for the answers a real provider never gives: ID tokens signed with a
key it does not publish, issued to another audience, or signed after a key rotation.

It speaks just enough OpenID Connect for the platform's relying party (discovery, an
authorization endpoint that answers at once, a token endpoint, the JWKS), over real HTTP on
127.0.0.1 and a free port. The happy path is tested against oidc-provider (provider.py).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "festival"
CLIENT_SECRET = "own-issuer-secret"


def new_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@dataclass
class OwnIssuer:
    """What the issuer publishes and how it signs; change the fields between sign-ins."""

    url: str = ""
    published: list[RSAKey] = field(default_factory=list)
    signing_key: RSAKey | None = None
    claims: dict[str, Any] = field(default_factory=dict)  # added to (or replacing) the usual
    jwks_fetches: int = 0
    nonces: dict[str, str] = field(default_factory=dict)  # code -> nonce
    discovery_issuer: str | None = None  # what discovery says the issuer is (default: url)

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": "own-subject",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": "Own Subject",
            **self.claims,
        }
        key = self.signing_key
        assert key is not None
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def _handler(issuer: OwnIssuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _json(self, data: dict[str, Any]) -> None:
            body = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/.well-known/openid-configuration":
                self._json(
                    {
                        "issuer": issuer.discovery_issuer or issuer.url,
                        "authorization_endpoint": issuer.url + "/authorize",
                        "token_endpoint": issuer.url + "/token",
                        "jwks_uri": issuer.url + "/jwks",
                    }
                )
            elif parts.path == "/jwks":
                issuer.jwks_fetches += 1
                self._json(KeySet(list(issuer.published)).as_dict(private=False))  # type: ignore[arg-type]
            elif parts.path == "/authorize":
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                code = f"code-{len(issuer.nonces)}"
                issuer.nonces[code] = query["nonce"]
                back = urlencode({"code": code, "state": query["state"]})
                self.send_response(302)
                self.send_header("Location", f"{query['redirect_uri']}?{back}")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_error(404)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            nonce = issuer.nonces.pop(form.get("code", ""), None)
            if self.path != "/token" or nonce is None:
                self.send_error(400)
                return
            self._json(
                {
                    "access_token": "opaque",
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": issuer.id_token(nonce),
                }
            )

    return Handler


@contextmanager
def own_issuer() -> Iterator[OwnIssuer]:
    """A running issuer publishing one key ("key-1") and signing with it."""
    key = new_key("key-1")
    issuer = OwnIssuer(published=[key], signing_key=key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(issuer))
    issuer.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
