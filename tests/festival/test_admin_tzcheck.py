"""The time-zone check from the admin page, and the Procfile's release step that runs it.

A real tzdata update cannot be staged in a test, so stored UTC instants are tampered with
instead (tests/festival/test_tzcheck.py explains the Kathmandu case: what a tz database with
Nepal's pre-1986 UTC+05:30 would have stored).
"""

from __future__ import annotations

import asyncio
import shlex
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col

from festival import cli
from festival.models import FestivalSession
from festival.settings import Settings
from scheduling.clock import FixedClock
from tests.conftest import FESTIVAL_NOON
from tests.festival.accounts_seed import add_account
from tests.festival.admin_browser import browser
from tests.festival.programme_seed import add_edition, add_organisation, add_session, session_row
from tests.festival.test_tzcheck import (
    KATHMANDU_OLD_UTC,
    KATHMANDU_UTC,
    PARIS_GAP_WALL,
    execute,
    tamper_utc,
)

ROOT = Path(__file__).resolve().parents[2]


def arrange(settings: Settings) -> tuple[str, str]:
    """A Kathmandu session stored with old rules, and a Paris one whose wall time now falls
    in a gap (2027-03-28 02:30: clocks jump from 02:00 to 03:00)."""
    add_edition(settings)
    add_organisation(settings, "kathmandu", "Asia/Kathmandu", country="NP")
    add_organisation(settings, "paris", "Europe/Paris", country="FR")
    moved = add_session(settings, "kathmandu", "Kathmandu lecture", "2027-01-24 09:00")
    asyncio.run(tamper_utc(settings.database_url, moved, KATHMANDU_OLD_UTC))
    gap = add_session(settings, "paris", "Paris workshop", "2027-03-28 01:30")
    asyncio.run(
        execute(
            settings.database_url,
            update(FestivalSession)
            .where(col(FestivalSession.uid) == gap)
            .values(local_start=PARIS_GAP_WALL),
        )
    )
    return moved, gap


def test_tz_check_page_lists_then_applies(settings: Settings, clock: FixedClock) -> None:
    moved, gap = arrange(settings)
    admin = add_account(settings, "admin@example.org", is_admin=True)
    with browser(settings, clock, admin) as b:
        listed = b.get("/admin/tz-check")
        expected = listed.text.split('name="expected" value="', 1)[1].split('"', 1)[0]
        stale = b.post("/admin/tz-check", {"expected": "0" * 32})
        unchanged = session_row(settings, moved)
        no_token = b.post("/admin/tz-check", {"expected": expected}, csrf=False)
        applied = b.post("/admin/tz-check", {"expected": expected})
        after = b.get(applied.headers["location"])

    assert listed.status_code == 200
    assert f'<a href="/admin/sessions/{moved}" dir="auto">Kathmandu lecture</a>' in listed.text
    assert "2027-01-24 09:00 in Asia/Kathmandu" in listed.text
    assert (
        "2027-01-24 03:30 UTC</time>" in listed.text
        and "2027-01-24 03:15 UTC</time>" in listed.text
    )
    assert f"{gap} 'Paris workshop': 2027-03-28 02:30 does not exist in Europe/Paris" in (
        listed.text.replace("&#39;", "'")
    )
    assert stale.status_code == 409
    assert "The list changed since you opened this page, so nothing was written." in stale.text
    assert (unchanged.starts_at_utc, unchanged.revision) == (KATHMANDU_OLD_UTC, 1)
    assert no_token.status_code == 403
    assert applied.headers["location"] == "/admin/tz-check?applied=1"
    assert "Applied: 1 session was given their new UTC time." in after.text
    assert 'id="tz-none"' in after.text
    row = session_row(settings, moved)
    assert (row.starts_at_utc, row.revision, row.updated_at_utc) == (
        KATHMANDU_UTC,
        2,
        FESTIVAL_NOON,
    )
    assert session_row(settings, gap).local_start == PARIS_GAP_WALL  # left to its organiser


def test_tz_check_page_refuses_organisers(settings: Settings, clock: FixedClock) -> None:
    moved, _ = arrange(settings)
    organiser = add_account(settings, "org@example.org")
    with browser(settings, clock, organiser) as b:
        refused = [b.get("/admin/tz-check").status_code, b.post("/admin/tz-check").status_code]

    assert refused == [403, 403]
    assert session_row(settings, moved).starts_at_utc == KATHMANDU_OLD_UTC


def release_commands() -> list[list[str]]:
    """The Procfile's release step, as the argument lists of its `festival` commands."""
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("release:")
    )
    commands = [shlex.split(part) for part in line.removeprefix("release:").split("&&")]
    assert all(command[0] == "festival" for command in commands)
    return [command[1:] for command in commands]


def test_release_step_applies_new_zone_rules_without_failing_the_deploy(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    moved, gap = arrange(settings)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SECRET_KEY", "release-test-secret")

    statuses = [cli.main(args) for args in release_commands()]

    assert release_commands() == [["migrate"], ["tz-check", "--release"]]
    assert statuses == [0, 0]
    out = capsys.readouterr().out
    assert f"MOVED {moved} 'Kathmandu lecture'" in out
    assert f"ERROR {gap} 'Paris workshop'" in out
    assert "1 updated; 1 needs an organiser's decision" in out
    assert session_row(settings, moved).starts_at_utc == KATHMANDU_UTC
    # Without --release the same check still says a decision is needed.
    assert cli.main(["tz-check"]) == 1
