"""festival.views: the live banner and the timeline, as the home page shows them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from starlette.testclient import TestClient

from festival.views import banner_for
from scheduling.clock import FixedClock

FESTIVAL_DAY = date(2027, 1, 24)


def banner_text(client: TestClient) -> str:
    html = client.get("/").text
    found = re.search(r'<p class="banner[^"]*" role="status">(.*?)</p>', html, re.S)
    assert found is not None
    return " ".join(found.group(1).split())


@pytest.mark.parametrize(
    ("now", "zones", "offsets"),
    [
        # Only Kiritimati (UTC+14) has reached the 24th: one zone, one offset.
        ("2027-01-23T10:10:00+00:00", 1, 1),
        # Kiritimati and Chatham (UTC+13:45): two zones, two offsets.
        ("2027-01-23T10:30:00+00:00", 2, 2),
        # Midway, Niue and Pago Pago (all UTC-11) are the last on the 24th: three zones, one offset.
        ("2027-01-25T10:30:00+00:00", 3, 1),
    ],
)
def test_banner_counts_zones_and_offsets(now: str, zones: int, offsets: int) -> None:
    banner = banner_for([FESTIVAL_DAY], datetime.fromisoformat(now))

    assert (banner.state, banner.zones, banner.offsets) == ("on", zones, offsets)


@pytest.mark.parametrize(
    ("now", "sentence"),
    [
        (
            "2027-01-23T10:10:00+00:00",
            "It is January 24 in <strong>1</strong> time zone right now (1 UTC offset);",
        ),
        (
            "2027-01-23T10:30:00+00:00",
            "It is January 24 in <strong>2</strong> time zones right now "
            "(2 different UTC offsets);",
        ),
        (
            "2027-01-25T10:30:00+00:00",
            "It is January 24 in <strong>3</strong> time zones right now (1 UTC offset);",
        ),
    ],
)
def test_banner_says_zones_and_offsets_in_the_singular_or_the_plural(
    demo_client: TestClient, clock: FixedClock, now: str, sentence: str
) -> None:
    clock.instant = datetime.fromisoformat(now).astimezone(UTC)

    assert banner_text(demo_client).startswith(sentence)
