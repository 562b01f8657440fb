"""The call for sessions: the public form (time handling as in the editor, a honeypot, a limit
per network address, CSRF), and the review: accept (organisation + invitation + session) or
decline with a message, by mail through a real SMTP server or to the log."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival import proposals
from festival.models import Edition, FestivalSession, Organisation
from festival.models.accounts import Invitation
from festival.models.proposals import Proposal
from festival.settings import Settings, SmtpSettings
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.accounts_seed import add_account
from tests.festival.admin_browser import browser, field_error
from tests.festival.mailserver import smtp_server
from tests.festival.programme_seed import add_edition, add_organisation

#: 24 January 2027, and two nights when St John's (Newfoundland) changes its clocks.
FESTIVAL, SPRING, AUTUMN = date(2027, 1, 24), date(2027, 3, 14), date(2027, 11, 7)

GOOD: dict[str, str] = {
    "organisation_name": "St. John's Reading Circles",
    "organisation_kind": "association",
    "organisation_country": "CA",
    "organisation_tz_name": "America/St_Johns",
    "contact_name": "Mary Walsh",
    "contact_email": "mary@example.org",
    "edition": "learningplanet-2027",
    "title": "Reading by the harbour",
    "summary": "Stories read aloud.",
    "kind": "workshop",
    "language": "en",
    "date": "2027-01-24",
    "start": "09:00",
    "duration_minutes": "60",
}
XSS = {
    "organisation_name": "<script>alert('org')</script>",
    "contact_name": '"><img src=x onerror=alert("name")>',
    "title": "<svg onload=alert('title')>",
    "summary": "</textarea><script>alert('summary')</script>",
}


def stored(settings: Settings) -> list[Proposal]:
    async def load(db: AsyncSession) -> list[Proposal]:
        return list((await db.execute(select(Proposal).order_by(col(Proposal.id)))).scalars())

    return with_db(settings, load)


def rows(settings: Settings, model: Any) -> list[Any]:
    async def load(db: AsyncSession) -> list[Any]:
        return list((await db.execute(select(model))).scalars())

    return with_db(settings, load)


@pytest.fixture
def editions(settings: Settings) -> Settings:
    add_edition(settings, "learningplanet-2027", FESTIVAL)
    add_edition(settings, "spring-2027", SPRING)
    add_edition(settings, "autumn-2027", AUTUMN)
    return settings


# -- the public form ------------------------------------------------------------------------------


def test_proposal_sent_by_anyone(editions: Settings, clock: FixedClock) -> None:
    with browser(editions, clock) as b:
        form = b.get("/propose")
        sent = b.post("/propose", GOOD)
        thanks = b.get("/propose/thanks")

    assert form.status_code == 200
    assert '<div class="trap" aria-hidden="true">' in form.text
    assert 'name="website" type="text" tabindex="-1"' in form.text
    assert (sent.status_code, sent.headers["location"]) == (303, "/propose/thanks")
    assert 'id="proposal-sent"' in thanks.text
    [p] = stored(editions)
    assert (p.status, p.organisation_name, p.tz_name, p.country, p.contact_email) == (
        "pending",
        "St. John's Reading Circles",
        "America/St_Johns",
        "CA",
        "mary@example.org",
    )
    # 09:00 in St John's in January is UTC-03:30.
    assert (p.local_start, p.fold, p.starts_at_utc) == (
        datetime(2027, 1, 24, 9, 0),  # noqa: DTZ001 - the wall time as entered
        0,
        datetime(2027, 1, 24, 12, 30, tzinfo=UTC),
    )
    assert (p.title, p.session_kind, p.languages, p.duration_minutes) == (
        "Reading by the harbour",
        "workshop",
        ["en"],
        60,
    )


def test_proposal_in_a_dst_gap_is_refused_with_the_reason(
    editions: Settings, clock: FixedClock
) -> None:
    gap = {**GOOD, "edition": "spring-2027", "date": "2027-03-14", "start": "02:30"}
    with browser(editions, clock) as b:
        refused = b.post("/propose", gap)

    assert refused.status_code == 400
    assert field_error(refused.text, "start") == (
        "2027-03-14 02:30 does not exist in America/St_Johns: at 02:00 clocks jump forward to "
        "03:00 that night. Choose 01:59 or earlier, or 03:00 or later."
    )
    assert 'value="02:30"' in refused.text and 'value="Mary Walsh"' in refused.text
    assert stored(editions) == []


def test_proposal_at_a_time_that_happens_twice_asks_which(
    editions: Settings, clock: FixedClock
) -> None:
    twice = {**GOOD, "edition": "autumn-2027", "date": "2027-11-07", "start": "01:30"}
    with browser(editions, clock) as b:
        asked = b.post("/propose", twice)
        chosen = b.post("/propose", {**twice, "fold": "1"})

    assert asked.status_code == 400
    assert field_error(asked.text, "fold") == (
        "01:30 happens twice that night in St Johns, when the clocks go back: choose which one "
        "you mean."
    )
    assert re.findall(r'name="fold" value="(\d)"> ([^<]+)</label>', asked.text) == [
        ("0", "01:30 the first time (UTC−02:30, 04:00 UTC)"),
        ("1", "01:30 the second time (UTC−03:30, 05:00 UTC)"),
    ]
    assert chosen.status_code == 303
    [p] = stored(editions)
    assert (p.fold, p.starts_at_utc) == (1, datetime(2027, 11, 7, 5, 0, tzinfo=UTC))


REFUSALS: list[tuple[dict[str, str], str, str]] = [
    ({"organisation_name": ""}, "organisation_name", "Give the organisation's name."),
    ({"organisation_country": "ZZ"}, "organisation_country", "Choose the country from the list."),
    ({"organisation_tz_name": "Mars/Olympus"}, "organisation_tz_name", "'Mars/Olympus' is not"),
    ({"contact_name": ""}, "contact_name", "Give your name, so that we know whom to write to."),
    ({"contact_email": "mary at example"}, "contact_email", "Give an email address such as"),
    ({"edition": "nope"}, "edition", "Choose the festival edition."),
    ({"title": ""}, "title", "Give your session a title."),
    ({"kind": "rave"}, "kind", "Choose what kind of session it is."),
    ({"language": "klingon"}, "language", "Choose the language the session is in."),
    ({"date": "24.01.2027"}, "date", "Give the date of the session, such as 2027-01-24."),
    ({"date": "2027-01-25"}, "date", "Festival learningplanet-2027 runs on 24 January 2027"),
    ({"start": "25:00"}, "start", "Give the start time in your time zone, such as 09:30."),
    ({"duration_minutes": "3"}, "duration_minutes", "Give the length in minutes, from 5"),
]


def test_proposal_refused_beside_each_field_keeping_what_was_typed(
    editions: Settings, clock: FixedClock
) -> None:
    with browser(editions, clock) as b:
        answers = [b.post("/propose", {**GOOD, **changes}) for changes, _, _ in REFUSALS]

    for answer, (_, field, message) in zip(answers, REFUSALS, strict=True):
        assert answer.status_code == 400, field
        assert message in (field_error(answer.text, field) or ""), (field, answer.text[-3000:])
        assert "Stories read aloud.</textarea>" in answer.text
    assert stored(editions) == []


def test_proposal_refused_shows_what_was_typed_as_text(
    editions: Settings, clock: FixedClock
) -> None:
    with browser(editions, clock) as b:
        refused = b.post("/propose", {**GOOD, **XSS, "contact_email": "not an address"})

    assert refused.status_code == 400
    for payload in XSS.values():
        assert payload not in refused.text
    assert 'value="&#34;&gt;&lt;img src=x onerror=alert(&#34;name&#34;)&gt;"' in refused.text
    assert stored(editions) == []


def test_editions_open_until_their_last_day_is_over_everywhere() -> None:
    edition = Edition(slug="e", name="E", first_day=FESTIVAL, last_day=FESTIVAL)
    # 24 January ends last in Pago Pago (UTC-11): 25 January, 11:00 UTC.
    assert proposals.open_editions([edition], datetime(2027, 1, 25, 10, 59, tzinfo=UTC)) == [
        edition
    ]
    assert proposals.open_editions([edition], datetime(2027, 1, 25, 11, 0, tzinfo=UTC)) == []


def test_proposal_honeypot_stores_nothing_and_says_nothing(
    editions: Settings, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "festival.proposals")
    with browser(editions, clock) as b:
        robot = b.post("/propose", {**GOOD, "website": "http://spam.example"})

    assert (robot.status_code, robot.headers["location"]) == (303, "/propose/thanks")
    assert stored(editions) == []
    assert "the hidden field filled was dropped" in caplog.text


def test_proposals_limited_per_network_address(editions: Settings, clock: FixedClock) -> None:
    with browser(editions, clock, address="203.0.113.7") as b:
        sent = [b.post("/propose", {**GOOD, "title": f"Talk {n}"}).status_code for n in range(3)]
        limited = b.post("/propose", {**GOOD, "title": "Talk 4"})
    with browser(editions, clock, address="198.51.100.9") as b:
        elsewhere = b.post("/propose", {**GOOD, "title": "From another network"})
    clock.advance(24 * 3600 + 1)
    with browser(editions, clock, address="203.0.113.7") as b:
        # (the 24th is over by then: the autumn edition is still open)
        later = {"edition": "autumn-2027", "date": "2027-11-07", "start": "10:00"}
        next_day = b.post("/propose", {**GOOD, **later, "title": "The next day"})

    assert sent == [303, 303, 303]
    assert limited.status_code == 429
    assert "3 proposals have already been sent from your network today." in limited.text
    assert 'value="Talk 4"' in limited.text
    assert (elsewhere.status_code, next_day.status_code) == (303, 303)
    assert [p.title for p in stored(editions)] == [
        "Talk 0",
        "Talk 1",
        "Talk 2",
        "From another network",
        "The next day",
    ]
    # Only a keyed hash of the address is stored.
    assert {p.address_key for p in stored(editions)}.isdisjoint({"203.0.113.7", "198.51.100.9"})


def test_proposal_without_csrf_is_refused(editions: Settings, clock: FixedClock) -> None:
    with browser(editions, clock) as b:
        refused = b.post("/propose", GOOD, csrf=False)

    assert refused.status_code == 403
    assert "auth.csrf" in refused.text
    assert stored(editions) == []


def test_call_closed_without_an_open_edition(settings: Settings, clock: FixedClock) -> None:
    add_edition(settings, "past-2026", date(2026, 1, 24))
    with browser(settings, clock) as b:
        page = b.get("/propose")
        sent = b.post("/propose", {**GOOD, "edition": "past-2026", "date": "2026-01-24"})

    assert (
        'id="call-closed"' in page.text and '<form method="post" action="/propose"' not in page.text
    )
    assert sent.status_code == 400
    assert stored(settings) == []


# -- the review -----------------------------------------------------------------------------------


def sent_proposal(settings: Settings, clock: FixedClock, **changes: str) -> int:
    with browser(settings, clock, address="192.0.2.1") as b:
        assert b.post("/propose", {**GOOD, **changes}).status_code == 303
    return stored(settings)[-1].id or 0


@pytest.fixture
def admin(editions: Settings) -> int:
    return add_account(editions, "admin@example.org", name="Ada", is_admin=True)


def test_review_queue_shows_proposals_as_text(
    editions: Settings, clock: FixedClock, admin: int
) -> None:
    proposal = sent_proposal(editions, clock, **XSS)
    with browser(editions, clock, admin) as b:
        queue = b.get("/admin/review")
        detail = b.get(f"/admin/proposals/{proposal}")

    assert f'<a href="/admin/proposals/{proposal}" dir="auto">' in queue.text
    assert "Sun 24 Jan 2027, 09:00 in St Johns (UTC−03:30)" in queue.text
    for page in (queue.text, detail.text):
        for payload in XSS.values():
            assert payload not in page
    assert "&lt;script&gt;alert(&#39;org&#39;)&lt;/script&gt;" in queue.text
    assert "&lt;/textarea&gt;&lt;script&gt;alert(&#39;summary&#39;)&lt;/script&gt;" in detail.text


def test_accept_makes_organisation_invitation_and_published_session(
    editions: Settings, clock: FixedClock, admin: int
) -> None:
    proposal = sent_proposal(editions, clock)
    with smtp_server() as inbox:
        smtp = SmtpSettings("127.0.0.1", inbox.port, "festival@example.org", starttls=False)
        with browser(editions.with_(smtp=smtp), clock, admin) as b:
            accepted = b.post(f"/admin/proposals/{proposal}/accept", {"publish": "1"})
            page = b.get(accepted.headers["location"])
            again = b.post(f"/admin/proposals/{proposal}/accept", {"publish": "1"})
            declined_after = b.post(f"/admin/proposals/{proposal}/decline", {"message": "No"})
            queue = b.get("/admin/review")
        link = re.search(r"http://testserver(/invite/\S+)", inbox.messages[0][1].get_content())
        assert link is not None
        with browser(editions, clock) as invitee:
            invitation_page = invitee.get(link.group(1))

    assert accepted.headers["location"] == f"/admin/proposals/{proposal}?done=accepted"
    assert "Accepted: the organisation and its session were made" in page.text
    [org] = rows(editions, Organisation)
    assert (org.slug, org.name, org.kind, org.country, org.tz_name) == (
        "st-john-s-reading-circles",
        "St. John's Reading Circles",
        "association",
        "CA",
        "America/St_Johns",
    )
    [session] = rows(editions, FestivalSession)
    assert (session.title, session.status, session.organisation_id, session.starts_at_utc) == (
        "Reading by the harbour",
        "published",
        org.id,
        datetime(2027, 1, 24, 12, 30, tzinfo=UTC),
    )
    [invitation] = rows(editions, Invitation)
    assert (invitation.email, invitation.organisation_id, invitation.invited_by_account_id) == (
        "mary@example.org",
        org.id,
        admin,
    )
    [(recipients, message)] = inbox.messages
    assert recipients == ["mary@example.org"]
    assert message["Subject"] == "St. John's Reading Circles joins the #LearningPlanet Festival"
    assert "It is now in the festival programme." in message.get_content()
    assert invitation_page.status_code == 200
    [p] = stored(editions)
    assert (p.status, p.organisation_id, p.session_id, p.decided_by) == (
        "accepted",
        org.id,
        session.id,
        "admin@example.org",
    )
    assert again.status_code == 409
    assert field_error(again.text, "decision") == (
        "This proposal was already accepted by admin@example.org."
    )
    assert declined_after.status_code == 409
    assert 'id="no-proposals"' in queue.text


def test_proposal_page_names_an_organisation_of_the_same_name(
    editions: Settings, clock: FixedClock, admin: int
) -> None:
    proposal = sent_proposal(editions, clock)
    add_organisation(editions, "existing", "America/St_Johns", name="st. john's READING circles")
    with browser(editions, clock, admin) as b:
        page = b.get(f"/admin/proposals/{proposal}")

    assert 'id="namesakes"' in page.text
    assert (
        '<a href="/admin/organisations/existing" dir="auto">st. john&#39;s READING circles</a>'
        in (page.text)
    )


def test_accept_as_draft_with_the_link_in_the_log(
    editions: Settings, clock: FixedClock, admin: int, caplog: pytest.LogCaptureFixture
) -> None:
    proposal = sent_proposal(editions, clock)
    with browser(editions, clock, admin) as b:
        refused = b.post(f"/admin/proposals/{proposal}/accept", {"publish": "maybe"})
        accepted = b.post(f"/admin/proposals/{proposal}/accept", {"publish": "0"})

    assert field_error(refused.text, "publish") == "Choose to publish the session or not."
    assert accepted.headers["location"] == f"/admin/proposals/{proposal}?done=accepted-logged"
    [session] = rows(editions, FestivalSession)
    assert session.status == "draft"
    assert "http://testserver/invite/" in caplog.text
    assert "It is saved as a draft" in caplog.text


def test_accept_whose_mail_cannot_go_saves_nothing(
    editions: Settings, clock: FixedClock, admin: int
) -> None:
    proposal = sent_proposal(editions, clock)
    with smtp_server() as inbox:
        port = inbox.port  # a port where nothing listens once the server is gone
    smtp = SmtpSettings("127.0.0.1", port, "festival@example.org", starttls=False)
    with browser(editions.with_(smtp=smtp), clock, admin) as b:
        failed = b.post(f"/admin/proposals/{proposal}/accept", {"publish": "1"})

    assert failed.status_code == 502
    assert (field_error(failed.text, "decision") or "").startswith(
        "The invitation could not be sent, so nothing was saved:"
    )
    assert (rows(editions, Organisation), rows(editions, FestivalSession)) == ([], [])
    assert rows(editions, Invitation) == []
    assert stored(editions)[0].status == "pending"


def test_decline_needs_a_message_and_sends_it(
    editions: Settings, clock: FixedClock, admin: int
) -> None:
    proposal = sent_proposal(editions, clock)
    with smtp_server() as inbox:
        smtp = SmtpSettings("127.0.0.1", inbox.port, "festival@example.org", starttls=False)
        with browser(editions.with_(smtp=smtp), clock, admin) as b:
            empty = b.post(f"/admin/proposals/{proposal}/decline", {"message": "  "})
            declined = b.post(
                f"/admin/proposals/{proposal}/decline",
                {"message": "The festival day is full in your zone; try the autumn edition."},
            )
            page = b.get(declined.headers["location"])

    assert empty.status_code == 400
    assert field_error(empty.text, "message") == (
        "Say why, in a few words: the contact receives this message."
    )
    assert declined.headers["location"] == f"/admin/proposals/{proposal}?done=declined"
    assert "Declined: the message was sent." in page.text
    [(recipients, message)] = inbox.messages
    assert recipients == ["mary@example.org"]
    assert "The festival day is full in your zone; try the autumn edition." in (
        message.get_content()
    )
    [p] = stored(editions)
    assert (p.status, p.decline_message) == (
        "declined",
        "The festival day is full in your zone; try the autumn edition.",
    )
    assert (rows(editions, Organisation), rows(editions, Invitation)) == ([], [])


def test_review_refused_to_organisers(editions: Settings, clock: FixedClock) -> None:
    proposal = sent_proposal(editions, clock)
    organiser = add_account(editions, "org@example.org")
    with browser(editions, clock, organiser) as b:
        answers = [
            b.get("/admin/review").status_code,
            b.get(f"/admin/proposals/{proposal}").status_code,
            b.post(f"/admin/proposals/{proposal}/accept", {"publish": "1"}).status_code,
            b.post(f"/admin/proposals/{proposal}/decline", {"message": "no"}).status_code,
        ]

    assert answers == [403, 403, 403, 403]
    assert stored(editions)[0].status == "pending"
