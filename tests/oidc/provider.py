"""A real OpenID Connect provider for the tests: panva's ``oidc-provider`` run by node
(tests/oidc/provider.mjs), on 127.0.0.1 and a free port, and a person at its pages.

``start_provider(clients)`` starts one and returns it with its issuer URL; ``sign_in_at`` walks
through its login and consent pages over HTTP, as a browser would, and returns the URL the
provider sends the browser back to. When node or the npm packages are missing, the tests that
need them skip outside CI and fail in CI (CI=true), as for ical.js (tests/js/icaljs.py).
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx2 as httpx
import pytest

from tests.node_packages import install, unavailable

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "provider.mjs"
CLIENT_ID = "festival"
CLIENT_SECRET = "a-test-client-secret-of-sufficient-length"
START_SECONDS = 20.0


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen[str]

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()  # provider.mjs exits when its input closes
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()


def client_config(
    redirect_uris: list[str], post_logout_redirect_uris: list[str] | None = None
) -> dict[str, Any]:
    return {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": redirect_uris,
        "post_logout_redirect_uris": post_logout_redirect_uris or [],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    }


def start_provider(clients: list[dict[str, Any]], id_token_seconds: int = 3600) -> Provider:
    """A running provider (the caller stops it), or a skip/failure saying why there is none."""
    reason = install(HERE, "oidc-provider")
    if reason is not None:
        unavailable("oidc-provider", reason)
    node = shutil.which("node")
    assert node is not None
    process = subprocess.Popen(
        [node, str(SCRIPT)],
        cwd=HERE,
        env={
            **os.environ,
            "OIDC_TEST_CONFIG": json.dumps(
                {"clients": clients, "id_token_seconds": id_token_seconds}
            ),
        },
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        process.wait(timeout=5)
        process.stdout.close()
        pytest.fail(f"oidc-provider did not start within {START_SECONDS} s")
    return Provider(issuer=json.loads(line)["issuer"], process=process)


def _form(page: str) -> tuple[str, dict[str, str]]:
    """The first form of a provider page: its action and hidden fields."""
    action = re.search(r'<form[^>]*action="([^"]+)"', page)
    assert action is not None, page[:2000]
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return action.group(1), hidden


def sign_in_at(http: httpx.Client, url: str, login: str, back_to: str) -> str:
    """Follow the provider's pages from ``url`` (its authorization URL) as ``login``: the login
    form, then the consent form; the URL it sends back to (starting with ``back_to``)."""
    response = http.get(url)
    for _ in range(12):
        if response.status_code in (302, 303):
            location = urljoin(str(response.url), response.headers["location"])
            if location.startswith(back_to):
                return location
            response = http.get(location)
            continue
        assert response.status_code == 200, (response.status_code, response.text[:2000])
        action, fields = _form(response.text)
        if 'name="login"' in response.text:
            fields.update(login=login, password="any password")
        response = http.post(urljoin(str(response.url), action), data=fields)
    raise AssertionError("the provider did not send the browser back within 12 steps")
