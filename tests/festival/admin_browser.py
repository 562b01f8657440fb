"""A signed-in browser for the admin page tests: a TestClient whose cookie session holds a real
sign-in (made through the accounts store) and a known CSRF token, as signing in would leave it.

Used by the tests of the admin pages and of the call for sessions to act as an admin, an
organiser, or nobody; the /signin page itself has its own tests.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
import itsdangerous
from starlette.testclient import TestClient

from festival import auth
from festival.app import create_app
from festival.settings import Settings
from festival.stores import accounts as store
from scheduling.clock import Clock
from tests.dbtools import with_db

CSRF = "known-test-csrf-token-0123456789abcdef"


@dataclass
class Browser:
    """A client, and the CSRF token its session holds (None: the session has none)."""

    client: TestClient
    csrf: str | None

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, follow_redirects=False, **kwargs)

    def post(
        self, path: str, data: Mapping[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """POST a form, with this session's CSRF token unless ``csrf=False``."""
        form = dict(data or {})
        if csrf and self.csrf is not None:
            form[auth.CSRF_FIELD] = self.csrf
        return self.client.post(path, data=form, follow_redirects=False, **kwargs)


def put_session(client: TestClient, settings: Settings, values: dict[str, str]) -> None:
    """Write ``values`` into the client's signed cookie session (Starlette's format)."""
    signer = itsdangerous.TimestampSigner(settings.secret_key)
    data = base64.b64encode(json.dumps(values).encode())
    client.cookies[auth.SESSION_COOKIE] = signer.sign(data).decode()


@contextmanager
def browser(
    settings: Settings,
    clock: Clock,
    account_id: int | None = None,
    address: str = "testclient",
) -> Iterator[Browser]:
    """The app, and a browser signed in as ``account_id`` (None: nobody, with a CSRF token),
    connecting from the network ``address``."""
    with TestClient(create_app(settings, clock=clock), client=(address, 50000)) as client:
        values = {"csrf": CSRF}
        if account_id is not None:
            values["sid"] = with_db(
                settings, lambda db: store.start_signin(db, account_id, clock.now())
            )
        put_session(client, settings, values)
        yield Browser(client, CSRF)


def field_error(page: str, field: str) -> str | None:
    """The sentence shown beside ``field`` (unescaped), or None."""
    found = re.search(rf'<p class="field-error" id="{re.escape(field)}-error"[^>]*>(.*?)</p>', page)
    return None if found is None else html.unescape(found.group(1))
