"""One rule for every cookie the site sets: ``Secure`` exactly when SITE_URL is https.

Behind a TLS proxy the app sees http while browsers use https; the opposite (an http site
reached over https) must not depend on the request either.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest
from starlette.testclient import TestClient

from festival.app import create_app
from festival.settings import Settings
from scheduling.clock import FixedClock

EDITION = "learningplanet-2027"
PASSWORD = "cookie-test-password"


def set_cookies(response: object) -> dict[str, set[str]]:
    """Each cookie a response sets, by name, with its attributes in lower case."""
    found: dict[str, set[str]] = {}
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        name, _, rest = header.partition("=")
        found[name] = {part.strip().split("=")[0].lower() for part in rest.split(";")[1:]}
    return found


def cookie_value(response: object, name: str) -> str:
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        if name in cookie:
            return cookie[name].value
    raise AssertionError(f"no {name} cookie")


def every_cookie(client: TestClient) -> dict[str, set[str]]:
    """The four cookies, each from the response that sets it first.

    Cookies are sent back by hand: over http the client keeps a Secure cookie to itself, as a
    browser would, but here http is only the hop from the proxy to the app.
    """
    session = client.get(f"/api/editions/{EDITION}/sessions").json()["sessions"][0]
    sign_in_page = client.get("/admin/login")
    session_cookie = cookie_value(sign_in_page, "festival_session")
    token = re.search(r'name="csrf_token" value="([^"]+)"', sign_in_page.text)
    assert token is not None
    saved = client.post(
        "/agenda/save",
        data={"csrf_token": token.group(1), "uid": session["uid"]},
        headers={"cookie": f"festival_session={session_cookie}"},
        follow_redirects=False,
    )
    picked = client.get("/programme", params={"tz": "Europe/Paris"})
    room = client.get(f"/rooms/lobby-{EDITION}")
    assert (saved.status_code, picked.status_code, room.status_code) == (303, 200, 200)
    return {
        **set_cookies(sign_in_page),
        **set_cookies(saved),
        **set_cookies(picked),
        **set_cookies(room),
    }


def test_every_cookie_is_secure_on_an_https_site_behind_a_tls_proxy(
    demo_settings: Settings, clock: FixedClock
) -> None:
    settings = demo_settings.with_(site_url="https://festival.example.org", admin_password=PASSWORD)

    with TestClient(create_app(settings, clock=clock), base_url="http://testserver") as client:
        cookies = every_cookie(client)

    assert set(cookies) == {"festival_session", "festival_agenda", "tz", "festival_guest"}
    assert {name: "secure" in attributes for name, attributes in cookies.items()} == {
        name: True for name in cookies
    }


def test_no_cookie_is_secure_on_an_http_site_whatever_the_request_scheme(
    demo_settings: Settings, clock: FixedClock
) -> None:
    settings = demo_settings.with_(admin_password=PASSWORD)

    with TestClient(create_app(settings, clock=clock), base_url="https://testserver") as client:
        cookies = every_cookie(client)

    assert set(cookies) == {"festival_session", "festival_agenda", "tz", "festival_guest"}
    assert {name: "secure" in attributes for name, attributes in cookies.items()} == {
        name: False for name in cookies
    }


@pytest.mark.parametrize("site_url", ["https://festival.example.org", "http://testserver"])
def test_the_guest_cookie_of_the_websocket_handshake_follows_the_same_rule(
    demo_settings: Settings, clock: FixedClock, site_url: str
) -> None:
    settings = demo_settings.with_(site_url=site_url)
    with TestClient(create_app(settings, clock=clock)) as client:
        with client.websocket_connect(
            f"/ws/rooms/lobby-{EDITION}", headers={"origin": site_url}
        ) as socket:
            headers = dict(socket.extra_headers or [])  # type: ignore[attr-defined]

    cookie = headers[b"set-cookie"].decode().lower()
    assert cookie.startswith("festival_guest=")
    assert ("; secure" in cookie) == site_url.startswith("https://")


@pytest.mark.parametrize("site_url", ["https://festival.example.org", "http://testserver"])
def test_the_handshake_guest_cookie_reads_back_with_its_attributes(
    demo_settings: Settings, site_url: str
) -> None:
    from festival.routes import ws

    settings = demo_settings.with_(site_url=site_url)
    header = ws.set_cookie_header(settings, "token-for-the-test")
    jar: SimpleCookie = SimpleCookie()
    jar.load(header)  # an independent parser
    morsel = jar[ws.GUEST_COOKIE]
    assert morsel.value == ws.guest_cookie_value(settings, "token-for-the-test")
    assert ws._serializer(settings.secret_key).loads(morsel.value) == "token-for-the-test"
    assert morsel["max-age"] == str(ws.GUEST_MAX_AGE) and morsel["path"] == "/"
    assert morsel["httponly"] is True and morsel["samesite"] == "Lax"
    assert bool(morsel["secure"]) == site_url.startswith("https://")
