"""Signing in with an email address and password: generic answers, the same timing for unknown
addresses, attempts limited per account and per address, revocable sessions, password change
and reset by link, CSRF on every form. On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import re
import statistics
import time
from collections.abc import Iterator
from http.cookiejar import Cookie

import pytest
from starlette.testclient import TestClient

from festival import auth
from festival.app import create_app
from festival.settings import Settings
from scheduling.clock import FixedClock
from tests.festival.accounts_seed import PASSWORD, add_account, csrf_from, sign_in

EMAIL = "ana@example.org"
NEW_PASSWORD = "a brand new passphrase"
GENERIC = (
    "That email address and password do not match an account. Check both, or reset your "
    "password by email."
)


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    add_account(settings, EMAIL, name="Ana")
    return settings


@pytest.fixture
def client(app_settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings, clock=clock)) as test_client:
        yield test_client


def alert(page: str) -> str:
    """The text of the page's error notice."""
    match = re.search(r'<p class="notice notice-error" role="alert">(.*?)</p>', page, re.S)
    assert match is not None, "no error notice on the page"
    return match.group(1)


def signed_in_as(client: TestClient) -> str | None:
    """Whose account page opens, or None when it sends to the sign-in page."""
    response = client.get("/account", follow_redirects=False)
    if response.status_code == 303:
        assert response.headers["location"] == "/signin?next=/account"
        return None
    match = re.search(r"Signed in as <strong>(.*?)</strong>", response.text)
    assert match is not None
    return match.group(1)


def post_form(client: TestClient, path: str, **fields: str) -> object:
    token = csrf_from(client.get("/account").text)
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


# -- signing in -------------------------------------------------------------------------------


def test_signin_with_email_and_password_opens_the_account(client: TestClient) -> None:
    assert signed_in_as(client) is None

    response = sign_in(client, "  ANA@example.org ", next_path="/account?x=1")

    assert (response.status_code, response.headers["location"]) == (303, "/account?x=1")
    assert signed_in_as(client) == "Ana"


def test_signin_never_sends_elsewhere(client: TestClient) -> None:
    response = sign_in(client, EMAIL, next_path="https://evil.example/")

    assert (response.status_code, response.headers["location"]) == (303, "/account")


def test_signin_answers_the_same_for_an_unknown_address_and_a_wrong_password(
    client: TestClient,
) -> None:
    wrong = sign_in(client, EMAIL, "not the password")
    unknown = sign_in(client, "nobody@example.org", "not the password")

    assert (wrong.status_code, alert(wrong.text)) == (403, GENERIC)
    assert (unknown.status_code, alert(unknown.text)) == (403, GENERIC)
    assert 'value="nobody@example.org"' in unknown.text  # what was typed is kept
    assert signed_in_as(client) is None


def test_signin_takes_as_long_for_an_unknown_address_as_for_a_wrong_password(
    app_settings: Settings, clock: FixedClock
) -> None:
    # Different addresses each time, so that no per-account limit is reached (per address:
    # 16 attempts, under its 20). Without the dummy hash an unknown address answers in a
    # fraction of the time (measured: ~0.1); the band is wide for a loaded machine.
    known = [f"known{n}@example.org" for n in range(8)]
    for email in known:
        add_account(app_settings, email)
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    with TestClient(create_app(app_settings, clock=clock)) as client:
        token = csrf_from(client.get("/signin").text)
        for n in range(8):
            for kind, email in (("known", known[n]), ("unknown", f"nobody{n}@example.org")):
                started = time.perf_counter()
                response = client.post(
                    "/signin",
                    data={"csrf_token": token, "email": email, "password": "wrong password"},
                )
                timings[kind].append(time.perf_counter() - started)
                assert response.status_code == 403

    ratio = statistics.median(timings["unknown"]) / statistics.median(timings["known"])
    assert 0.5 < ratio < 2.0, timings


def test_signin_form_needs_its_csrf_token(client: TestClient) -> None:
    client.get("/signin")
    response = client.post("/signin", data={"email": EMAIL, "password": PASSWORD})

    assert response.status_code == 403
    assert "This form has expired or was not sent from this site." in response.text
    assert signed_in_as(client) is None


# -- limits -----------------------------------------------------------------------------------


def test_signin_500_wrong_passwords_are_throttled_per_account(
    client: TestClient, clock: FixedClock
) -> None:
    # The attack: 500 wrong passwords as fast as possible. Five are checked, the rest
    # are refused unchecked with the time to wait, the right password included.
    token = csrf_from(client.get("/signin").text)
    statuses = []
    started = time.monotonic()
    for n in range(500):
        response = client.post(
            "/signin", data={"csrf_token": token, "email": EMAIL, "password": f"guess {n:03}"}
        )
        statuses.append(response.status_code)
        assert time.monotonic() - started < 120, "the loop is bounded in time too"
    right_meanwhile = sign_in(client, EMAIL)

    assert statuses == [403] * 5 + [429] * 495
    assert right_meanwhile.status_code == 429
    assert right_meanwhile.headers["retry-after"] == "900"
    assert alert(right_meanwhile.text) == (
        "Too many sign-in attempts. For your safety, try again in 15 minutes "
        "(or reset your password by email)."
    )
    clock.advance(14 * 60)
    assert "try again in 1 minute " in alert(sign_in(client, EMAIL).text)
    clock.advance(60)
    assert sign_in(client, EMAIL).status_code == 303


def test_signin_limit_per_account_holds_for_every_address(
    app_settings: Settings, clock: FixedClock
) -> None:
    # Behind a trusted proxy, each attempt from another client address: still one account.
    settings = app_settings.with_(trusted_proxies=("10.0.0.0/8",))
    statuses = []
    for n in range(7):
        with TestClient(create_app(settings, clock=clock), client=("10.0.0.1", 40000)) as client:
            client.headers["x-forwarded-for"] = f"198.51.100.{n + 1}"
            statuses.append(sign_in(client, EMAIL, "wrong password").status_code)

    assert statuses == [403] * 5 + [429] * 2


def test_signin_limit_per_address_counts_every_account(
    app_settings: Settings, clock: FixedClock
) -> None:
    settings = app_settings.with_(trusted_proxies=("10.0.0.0/8",))
    with TestClient(create_app(settings, clock=clock), client=("10.0.0.1", 40000)) as client:
        client.headers["x-forwarded-for"] = "203.0.113.5"
        token = csrf_from(client.get("/signin").text)
        statuses = [
            client.post(
                "/signin",
                data={"csrf_token": token, "email": f"guess{n}@example.org", "password": "x" * 12},
            ).status_code
            for n in range(21)
        ]
        blocked = sign_in(client, EMAIL)
        client.headers["x-forwarded-for"] = "203.0.113.6"  # another client behind the proxy
        other = sign_in(client, EMAIL)

    assert statuses == [403] * 20 + [429]
    assert blocked.status_code == 429
    assert other.status_code == 303


def test_signin_success_clears_the_account_failures(client: TestClient) -> None:
    for _ in range(4):
        assert sign_in(client, EMAIL, "wrong password").status_code == 403
    assert sign_in(client, EMAIL).status_code == 303
    client.cookies.clear()

    statuses = [sign_in(client, EMAIL, "wrong password").status_code for _ in range(6)]

    assert statuses == [403] * 5 + [429]


def test_admin_password_attempts_are_throttled_too(settings: Settings, clock: FixedClock) -> None:
    admin_settings = settings.with_(admin_password="the shared password")
    with TestClient(create_app(admin_settings, clock=clock)) as client:
        token = csrf_from(client.get("/admin/login").text)
        statuses = [
            client.post(
                "/admin/login", data={"csrf_token": token, "password": f"guess {n}"}
            ).status_code
            for n in range(8)
        ]
        right = client.post(
            "/admin/login", data={"csrf_token": token, "password": "the shared password"}
        )

    assert statuses == [403] * 5 + [429] * 3
    assert right.status_code == 429 and "try again in 15 minutes" in right.text


# -- sessions on the server -------------------------------------------------------------------


def test_signout_makes_a_copied_cookie_worthless(app_settings: Settings, clock: FixedClock) -> None:
    with TestClient(create_app(app_settings, clock=clock)) as client:
        assert sign_in(client, EMAIL).status_code == 303
        copied = client.cookies[auth.SESSION_COOKIE]
        signed_out = post_form(client, "/signout")
        after = signed_in_as(client)
    with TestClient(create_app(app_settings, clock=clock)) as thief:
        thief.cookies[auth.SESSION_COOKIE] = copied
        reused = signed_in_as(thief)

    assert signed_out.status_code == 303  # type: ignore[attr-defined]
    assert (after, reused) == (None, None)


class Browsers:
    """Several browsers on one app (one TestClient, one event loop): a cookie jar each."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.jars: dict[str, list[Cookie]] = {}
        self.current: str | None = None

    def use(self, name: str) -> TestClient:
        if self.current is not None:
            self.jars[self.current] = list(self.client.cookies.jar)
        self.client.cookies.clear()
        for cookie in self.jars.get(name, []):
            self.client.cookies.jar.set_cookie(cookie)
        self.current = name
        return self.client


def test_sign_out_everywhere_ends_every_browser(client: TestClient) -> None:
    browsers = Browsers(client)
    assert sign_in(browsers.use("phone"), EMAIL).status_code == 303
    assert sign_in(browsers.use("laptop"), EMAIL).status_code == 303
    assert signed_in_as(browsers.use("phone")) == "Ana"

    response = post_form(browsers.use("laptop"), "/account/signout-everywhere")

    assert response.headers["location"] == "/signin?done=signed-out-everywhere"  # type: ignore[attr-defined]
    assert signed_in_as(browsers.use("laptop")) is None
    assert signed_in_as(browsers.use("phone")) is None


def test_password_change_ends_other_sessions_and_keeps_this_one(client: TestClient) -> None:
    browsers = Browsers(client)
    assert sign_in(browsers.use("phone"), EMAIL).status_code == 303
    assert sign_in(browsers.use("laptop"), EMAIL).status_code == 303

    changed = post_form(
        browsers.use("laptop"),
        "/account/password",
        current_password=PASSWORD,
        password=NEW_PASSWORD,
        password_again=NEW_PASSWORD,
    )

    assert changed.headers["location"] == "/account?done=password-changed"  # type: ignore[attr-defined]
    assert signed_in_as(browsers.use("laptop")) == "Ana"
    phone = browsers.use("phone")
    assert signed_in_as(phone) is None
    assert sign_in(phone, EMAIL, PASSWORD).status_code == 403
    assert sign_in(phone, EMAIL, NEW_PASSWORD).status_code == 303


def test_password_change_errors_appear_beside_their_field(client: TestClient) -> None:
    assert sign_in(client, EMAIL).status_code == 303

    wrong = post_form(
        client,
        "/account/password",
        current_password="nope nope nope",
        password=NEW_PASSWORD,
        password_again=NEW_PASSWORD,
    )
    short = post_form(
        client,
        "/account/password",
        current_password=PASSWORD,
        password="short",
        password_again="short",
    )
    differ = post_form(
        client,
        "/account/password",
        current_password=PASSWORD,
        password=NEW_PASSWORD,
        password_again=NEW_PASSWORD + "!",
    )

    def field_error(response: object, field: str) -> tuple[int, str]:
        text = response.text  # type: ignore[attr-defined]
        match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', text)
        assert match is not None and f'aria-describedby="{field}-error"' in text
        return response.status_code, match.group(1)  # type: ignore[attr-defined]

    assert field_error(wrong, "current_password") == (403, "That is not your current password.")
    assert field_error(short, "password") == (400, "Choose a password of at least 10 characters.")
    assert field_error(differ, "password_again") == (
        400,
        "The two passwords differ: type it again.",
    )
    assert sign_in(client, EMAIL, PASSWORD).status_code == 303  # nothing was changed


def test_account_pages_need_a_sign_in(client: TestClient) -> None:
    page = client.get("/account?tab=1", follow_redirects=False)
    token = csrf_from(client.get("/signin").text)
    post = client.post("/account/password", data={"csrf_token": token})

    assert (page.status_code, page.headers["location"]) == (303, "/signin?next=/account%3Ftab%3D1")
    assert post.status_code == 403 and "Sign in first" in post.text


@pytest.mark.parametrize(
    "path",
    ["/signout", "/account/password", "/account/signout-everywhere"],
)
def test_account_forms_need_their_csrf_token(client: TestClient, path: str) -> None:
    assert sign_in(client, EMAIL).status_code == 303

    response = client.post(path, data={"password": NEW_PASSWORD}, follow_redirects=False)

    assert response.status_code == 403
    assert "This form has expired or was not sent from this site." in response.text
    assert signed_in_as(client) == "Ana"


# -- password reset by link -------------------------------------------------------------------


def ask_reset(client: TestClient, email: str) -> object:
    token = csrf_from(client.get("/signin/reset").text)
    return client.post("/signin/reset", data={"csrf_token": token, "email": email})


def logged_link(caplog: pytest.LogCaptureFixture, kind: str) -> str:
    links = re.findall(rf"http://testserver(/{kind}/[A-Za-z0-9_-]+)", caplog.text)
    assert len(links) == 1, caplog.text
    return links[0]


def test_reset_by_link_sets_the_password_once(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="festival.mail")
    asked = ask_reset(client, "Ana@Example.org")
    link = logged_link(caplog, "reset")
    form = client.get(link)

    set_it = client.post(
        link,
        data={
            "csrf_token": csrf_from(form.text),
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
        follow_redirects=False,
    )
    signed_in = signed_in_as(client)
    again = client.get(link)

    assert asked.status_code == 200  # type: ignore[attr-defined]
    assert "we have sent it a link" in asked.text  # type: ignore[attr-defined]
    assert (
        form.status_code == 200 and "For the account <strong>ana@example.org</strong>" in form.text
    )
    assert set_it.headers["location"] == "/account?done=password-reset"
    assert signed_in == "Ana"
    assert again.status_code == 400 and "This link does not work any more" in again.text
    client.cookies.clear()
    assert sign_in(client, EMAIL, PASSWORD).status_code == 403
    assert sign_in(client, EMAIL, NEW_PASSWORD).status_code == 303


def test_reset_link_works_for_one_hour(
    client: TestClient, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="festival.mail")
    ask_reset(client, EMAIL)
    link = logged_link(caplog, "reset")

    clock.advance(59 * 60)
    within = client.get(link).status_code
    clock.advance(60)
    after = client.get(link)

    assert within == 200
    assert after.status_code == 400 and "This link does not work any more" in after.text


def test_reset_ends_every_sign_in_of_the_account(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="festival.mail")
    browsers = Browsers(client)
    assert sign_in(browsers.use("laptop"), EMAIL).status_code == 303
    other = browsers.use("other")
    ask_reset(other, EMAIL)
    link = logged_link(caplog, "reset")
    other.post(
        link,
        data={
            "csrf_token": csrf_from(other.get(link).text),
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )

    assert signed_in_as(browsers.use("other")) == "Ana"
    assert signed_in_as(browsers.use("laptop")) is None


def test_reset_answers_the_same_for_an_unknown_address(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="festival.mail")
    known = ask_reset(client, EMAIL)
    unknown = ask_reset(client, "nobody@example.org")

    def sentence(response: object) -> str:
        text = response.text  # type: ignore[attr-defined]
        return text.split('role="status">')[1].split("</p>")[0].replace("nobody", "ana")

    assert known.status_code == unknown.status_code == 200  # type: ignore[attr-defined]
    assert sentence(known) == sentence(unknown)
    assert caplog.text.count("/reset/") == 1  # only the real account got a link


def test_reset_requests_are_limited(client: TestClient) -> None:
    statuses = [ask_reset(client, EMAIL).status_code for _ in range(4)]  # type: ignore[attr-defined]

    assert statuses == [200, 200, 200, 429]


def test_reset_forms_need_their_csrf_token(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="festival.mail")
    client.get("/signin/reset")
    asked = client.post("/signin/reset", data={"email": EMAIL})
    ask_reset(client, EMAIL)
    link = logged_link(caplog, "reset")
    client.get(link)

    forged = client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert asked.status_code == forged.status_code == 403
    assert "This form has expired" in forged.text
    assert client.get(link).status_code == 200  # the link still works: nothing was set
    assert sign_in(client, EMAIL, PASSWORD).status_code == 303
