"""Invitations: an admin invites an organiser by email to an organisation, and the link sets
the password. Mail goes through a real SMTP server the test starts, or to the log without one.
Also: the first admin account made after an ADMIN_PASSWORD sign-in, and the SMTP settings."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival.app import create_app
from festival.auth import Account
from festival.models import Organisation
from festival.settings import Settings, SettingsError, SmtpSettings
from festival.stores import accounts as store
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.accounts_seed import PASSWORD, add_account, csrf_from, sign_in
from tests.festival.mailserver import smtp_server

ADMIN = "admin@example.org"
INVITEE = "Organiser@Example.org"
ORG_SLUG = "kathmandu-learning-city"
NEW_PASSWORD = "namaste from kathmandu"


def add_org(settings: Settings) -> int:
    async def add(db: AsyncSession) -> int:
        org = Organisation(
            slug=ORG_SLUG, name="Kathmandu Learning City", country="NP", tz_name="Asia/Kathmandu"
        )
        db.add(org)
        await db.flush()
        assert org.id is not None
        return org.id

    return with_db(settings, add)


@pytest.fixture
def org_settings(settings: Settings) -> tuple[Settings, int]:
    org_id = add_org(settings)
    add_account(settings, ADMIN, name="Ada", is_admin=True)
    return settings, org_id


def invite(client: TestClient, email: str = INVITEE, org: str = ORG_SLUG) -> object:
    token = csrf_from(client.get("/admin/invitations").text)
    return client.post(
        "/admin/invitations",
        data={"csrf_token": token, "email": email, "name": "Sita", "organisation": org},
    )


def account_of(settings: Settings, email: str) -> Account | None:
    async def load(db: AsyncSession) -> Account | None:
        row = await store.find_account_row(db, email)
        return None if row is None or row.id is None else await store.load_account(db, row.id)

    return with_db(settings, load)


def accept(client: TestClient, path: str, password: str = NEW_PASSWORD) -> object:
    form = client.get(path)
    return client.post(
        path,
        data={
            "csrf_token": csrf_from(form.text),
            "name": "Sita <Devi>",
            "password": password,
            "password_again": password,
        },
        follow_redirects=False,
    )


def test_invitation_is_mailed_and_its_link_sets_the_password(
    org_settings: tuple[Settings, int], clock: FixedClock
) -> None:
    base, org_id = org_settings
    with smtp_server() as inbox:
        settings = base.with_(
            smtp=SmtpSettings(
                host="127.0.0.1",
                port=inbox.port,
                sender="Festival <festival@example.org>",
                starttls=False,
            )
        )
        with TestClient(create_app(settings, clock=clock)) as client:
            assert sign_in(client, ADMIN).status_code == 303
            sent = invite(client)
            client.cookies.clear()  # the invitee's browser

            [(recipients, message)] = inbox.messages
            body = message.get_content()
            link = re.search(r"http://testserver(/invite/[A-Za-z0-9_-]{43})\s", body)
            assert link is not None
            shown = client.get(link.group(1))
            accepted = accept(client, link.group(1))
            account_page = client.get("/account")
            again = client.get(link.group(1))

    assert "Invitation sent to Organiser@Example.org." in sent.text  # type: ignore[attr-defined]
    assert recipients == [INVITEE]
    assert message["From"] == "Festival <festival@example.org>"
    assert message["Subject"] == (
        "You are invited to organise Kathmandu Learning City at the #LearningPlanet Festival"
    )
    assert "Ada invites you to organise the sessions of Kathmandu Learning City" in body
    assert "Organise Kathmandu Learning City" in shown.text
    assert accepted.headers["location"] == "/account?done=welcome"  # type: ignore[attr-defined]
    assert "Signed in as <strong>Sita &lt;Devi&gt;</strong>" in account_page.text
    assert "Kathmandu Learning City</a></li>" in account_page.text
    assert again.status_code == 400 and "This invitation does not work any more" in again.text
    invited = account_of(base, "organiser@example.org")
    assert invited is not None
    assert (invited.email, invited.is_admin, invited.organisation_ids) == (
        INVITEE,
        False,
        frozenset({org_id}),
    )


def test_invitation_without_smtp_is_written_to_the_log(
    org_settings: tuple[Settings, int], clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    settings, _ = org_settings
    caplog.set_level(logging.WARNING, logger="festival.mail")
    with TestClient(create_app(settings, clock=clock)) as client:
        assert sign_in(client, ADMIN).status_code == 303
        sent = invite(client)
        links = re.findall(r"http://testserver(/invite/[A-Za-z0-9_-]{43})", caplog.text)
        client.cookies.clear()
        accepted = accept(client, links[0])

    assert "the invitation link for Organiser@Example.org was written to the server log" in (
        sent.text  # type: ignore[attr-defined]
    )
    assert len(links) == 1
    assert accepted.status_code == 303  # type: ignore[attr-defined]
    client.cookies.clear()


def test_invitation_that_cannot_be_mailed_saves_nothing(
    org_settings: tuple[Settings, int], clock: FixedClock
) -> None:
    base, _ = org_settings
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings = base.with_(
        smtp=SmtpSettings(
            host="127.0.0.1", port=closed_port, sender="f@example.org", starttls=False
        )
    )
    with TestClient(create_app(settings, clock=clock)) as client:
        assert sign_in(client, ADMIN).status_code == 303
        refused = invite(client)
        page = client.get("/admin/invitations").text

    assert refused.status_code == 502  # type: ignore[attr-defined]
    assert "The invitation could not be sent, so it was not saved" in refused.text  # type: ignore[attr-defined]
    assert 'value="Organiser@Example.org"' in refused.text  # type: ignore[attr-defined]
    assert "Waiting to be accepted" not in page


def test_invitation_link_expires_after_seven_days(
    org_settings: tuple[Settings, int], clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    settings, _ = org_settings
    caplog.set_level(logging.WARNING, logger="festival.mail")
    with TestClient(create_app(settings, clock=clock)) as client:
        assert sign_in(client, ADMIN).status_code == 303
        invite(client)
        [link] = re.findall(r"http://testserver(/invite/[A-Za-z0-9_-]{43})", caplog.text)
        client.cookies.clear()
        clock.advance(7 * 24 * 3600 - 60)
        within = client.get(link).status_code
        clock.advance(60)
        token = csrf_from(client.get("/signin").text)
        expired = client.post(
            link,
            data={"csrf_token": token, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        )

    assert within == 200
    assert expired.status_code == 400  # type: ignore[attr-defined]
    assert account_of(settings, INVITEE) is None


def test_invitation_for_an_existing_account_adds_the_membership_only(
    org_settings: tuple[Settings, int], clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    settings, org_id = org_settings
    add_account(settings, INVITEE, name="Sita")
    caplog.set_level(logging.WARNING, logger="festival.mail")
    with TestClient(create_app(settings, clock=clock)) as client:
        assert sign_in(client, ADMIN).status_code == 303
        invite(client)
        [link] = re.findall(r"http://testserver(/invite/[A-Za-z0-9_-]{43})", caplog.text)
        client.cookies.clear()
        accepted = accept(client, link, password="an attempt to take over")
        takeover = sign_in(client, INVITEE, "an attempt to take over")
        own = sign_in(client, INVITEE, PASSWORD)

    assert accepted.headers["location"] == "/signin?next=/account&done=joined"  # type: ignore[attr-defined]
    assert (takeover.status_code, own.status_code) == (403, 303)
    invited = account_of(settings, INVITEE)
    assert invited is not None and invited.organisation_ids == frozenset({org_id})


def test_invitations_are_for_admins_and_need_csrf(
    org_settings: tuple[Settings, int], clock: FixedClock
) -> None:
    settings, org_id = org_settings
    add_account(settings, "org@example.org", organisations=[org_id])
    with TestClient(create_app(settings, clock=clock)) as client:
        anonymous = client.get("/admin/invitations", follow_redirects=False)
        assert sign_in(client, "org@example.org").status_code == 303
        organiser = client.get("/admin/invitations")
        client.cookies.clear()
        assert sign_in(client, ADMIN).status_code == 303
        forged = client.post(
            "/admin/invitations", data={"email": INVITEE, "organisation": ORG_SLUG}
        )

    assert (anonymous.status_code, anonymous.headers["location"]) == (
        303,
        "/signin?next=/admin/invitations",
    )
    assert organiser.status_code == 403
    assert forged.status_code == 403 and "This form has expired" in forged.text


def test_invitation_form_errors_appear_beside_their_field(
    org_settings: tuple[Settings, int], clock: FixedClock
) -> None:
    settings, _ = org_settings
    with TestClient(create_app(settings, clock=clock)) as client:
        assert sign_in(client, ADMIN).status_code == 303
        bad_email = invite(client, email="not an address")
        bad_org = invite(client, org="no-such-org")

    assert bad_email.status_code == 400  # type: ignore[attr-defined]
    assert (
        '<p class="field-error" id="email-error">'
        "Give an email address such as name@example.org.</p>"
        in (
            bad_email.text  # type: ignore[attr-defined]
        )
    )
    assert 'value="not an address"' in bad_email.text  # type: ignore[attr-defined]
    assert bad_org.status_code == 400  # type: ignore[attr-defined]
    assert 'id="organisation-error">Choose one of the organisations in the list.</p>' in (
        bad_org.text  # type: ignore[attr-defined]
    )


# -- the first admin account, from an ADMIN_PASSWORD sign-in -----------------------------------


@pytest.fixture
def bootstrap_client(settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(
        create_app(settings.with_(admin_password="shared first password"), clock=clock)
    ) as client:
        yield client


def test_admin_password_sign_in_asks_for_the_first_admin_account(
    bootstrap_client: TestClient, settings: Settings
) -> None:
    client = bootstrap_client
    token = csrf_from(client.get("/admin/login").text)
    client.post("/admin/login", data={"csrf_token": token, "password": "shared first password"})
    form_page = client.get("/account")
    token = csrf_from(form_page.text)  # signing in started a fresh session and token
    no_csrf = client.post("/account/first-admin", data={"email": ADMIN})
    short = client.post(
        "/account/first-admin",
        data={"csrf_token": token, "email": ADMIN, "name": "Ada", "password": "short"},
    )
    created = client.post(
        "/account/first-admin",
        data={
            "csrf_token": token,
            "email": ADMIN,
            "name": "Ada",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
        follow_redirects=False,
    )
    account_page = client.get(created.headers["location"])

    assert "Create your admin account" in form_page.text
    assert no_csrf.status_code == 403
    assert short.status_code == 400 and 'value="Ada"' in short.text
    assert created.headers["location"] == "/account?done=admin-created"
    assert "ADMIN_PASSWORD no longer signs anyone in" in account_page.text
    assert "Signed in as <strong>Ada</strong>" in account_page.text
    admin = account_of(settings, ADMIN)
    assert admin is not None and admin.is_admin
    login = client.get("/admin/login", follow_redirects=False)
    assert (login.status_code, login.headers["location"]) == (303, "/signin?next=/admin")


# -- SMTP settings ----------------------------------------------------------------------------


def test_smtp_settings_from_the_environment() -> None:
    assert Settings.from_env({}).smtp is None
    assert Settings.from_env(
        {
            "SMTP_HOST": "mail.example.org",
            "SMTP_FROM": "Festival <festival@example.org>",
            "SMTP_USER": "festival",
            "SMTP_PASSWORD": "secret",
        }
    ).smtp == SmtpSettings(
        host="mail.example.org",
        port=587,
        sender="Festival <festival@example.org>",
        user="festival",
        password="secret",
        starttls=True,
    )
    plain = Settings.from_env(
        {"SMTP_HOST": "relay", "SMTP_PORT": "25", "SMTP_FROM": "f@x.org", "SMTP_STARTTLS": "off"}
    ).smtp
    assert plain is not None and (plain.port, plain.starttls) == (25, False)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SMTP_HOST": "relay"}, "SMTP_FROM='': give the address mail is sent from"),
        ({"SMTP_HOST": "relay", "SMTP_FROM": "f@x.org", "SMTP_PORT": "70000"}, "SMTP_PORT="),
    ],
)
def test_smtp_settings_refuse_what_cannot_work(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env(env)
