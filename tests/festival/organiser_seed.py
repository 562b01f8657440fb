"""Signing a test client in as an account, without the sign-in page (which has its own tests):
a sign-in made through the store, its id put in the signed cookie session as /signin does."""

from __future__ import annotations

import base64
import json
import re

import itsdangerous
from starlette.testclient import TestClient

from festival import auth
from festival.settings import Settings
from festival.stores import accounts as accounts_store
from scheduling.clock import Clock
from tests.dbtools import with_db


def sign_in_as(client: TestClient, settings: Settings, account_id: int, clock: Clock) -> None:
    sid = with_db(settings, lambda db: accounts_store.start_signin(db, account_id, clock.now()))
    signer = itsdangerous.TimestampSigner(settings.secret_key)
    data = base64.b64encode(json.dumps({"sid": sid}).encode())
    client.cookies[auth.SESSION_COOKIE] = signer.sign(data).decode()


def csrf(page: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None, "no form on the page"
    return match.group(1)
