"""scheduling.slots: the Slot value, plus ``make_slot`` used by the other scheduling tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scheduling import tz
from scheduling.slots import Slot


def make_slot(
    uid: str,
    wall: str,
    zone_name: str,
    minutes: int = 60,
    *,
    fold: int | None = None,
    **fields: Any,
) -> Slot:
    """A Slot entered as an organiser would: wall time ``YYYY-MM-DD HH:MM`` in ``zone_name``."""
    local_start = datetime.fromisoformat(wall)
    starts_at_utc = tz.to_utc(local_start, zone_name, fold)
    values: dict[str, Any] = {
        "title": f"Session {uid}",
        "kind": "lecture",
        "organisation_slug": f"org-{uid}",
        "organisation_name": f"Organisation {uid}",
        "country": tz.country_of(zone_name) or "",
    }
    values.update(fields)
    return Slot(
        uid=uid,
        tz_name=tz.canonical_name(zone_name),
        local_start=local_start,
        duration_minutes=minutes,
        starts_at_utc=starts_at_utc,
        ends_at_utc=starts_at_utc + timedelta(minutes=minutes),
        **values,
    )


def test_make_slot_derives_utc_from_the_organisers_wall_time() -> None:
    slot = make_slot("k", "2027-01-24 09:00", "Asia/Kathmandu", 90)

    assert slot.starts_at_utc == datetime(2027, 1, 24, 3, 15, tzinfo=UTC)
    assert slot.ends_at_utc == datetime(2027, 1, 24, 4, 45, tzinfo=UTC)
    assert (slot.tz_name, slot.country) == ("Asia/Kathmandu", "NP")


def test_slot_local_start_aware_is_in_the_organisers_zone() -> None:
    slot = make_slot("k", "2027-01-24 09:00", "Asia/Calcutta")

    local = slot.local_start_aware()

    assert slot.tz_name == "Asia/Kolkata"
    assert local.replace(tzinfo=None) == slot.local_start
    assert local.utcoffset() == timedelta(hours=5, minutes=30)


def test_slot_refuses_naive_instants_and_aware_wall_time() -> None:
    good = make_slot("a", "2027-01-24 09:00", "Europe/Paris")
    naive_start = good.starts_at_utc.replace(tzinfo=None)
    fields: dict[str, Any] = {
        "uid": "a",
        "title": "t",
        "kind": "lecture",
        "tz_name": "Europe/Paris",
        "duration_minutes": 60,
        "organisation_slug": "o",
        "organisation_name": "O",
        "country": "FR",
    }
    with pytest.raises(ValueError, match="starts_at_utc"):
        Slot(
            local_start=good.local_start,
            starts_at_utc=naive_start,
            ends_at_utc=good.ends_at_utc,
            **fields,
        )
    with pytest.raises(ValueError, match="ends_at_utc"):
        Slot(
            local_start=good.local_start,
            starts_at_utc=good.starts_at_utc,
            ends_at_utc=good.ends_at_utc.replace(tzinfo=None),
            **fields,
        )
    with pytest.raises(ValueError, match="local_start"):
        Slot(
            local_start=good.starts_at_utc,
            starts_at_utc=good.starts_at_utc,
            ends_at_utc=good.ends_at_utc,
            **fields,
        )


def test_slot_is_live_is_half_open() -> None:
    slot = make_slot("a", "2027-01-24 09:00", "America/St_Johns", 30)  # 12:30Z to 13:00Z
    second = timedelta(seconds=1)
    start, end = slot.starts_at_utc, slot.ends_at_utc

    assert start == datetime(2027, 1, 24, 12, 30, tzinfo=UTC)
    assert [slot.is_live(t) for t in (start - second, start, end - second, end)] == [
        False,
        True,
        True,
        False,
    ]


def test_slot_overlaps_excludes_touching_ends() -> None:
    paris = make_slot("p", "2027-01-24 10:00", "Europe/Paris")  # 09:00Z-10:00Z
    london_touching = make_slot("l", "2027-01-24 10:00", "Europe/London")  # 10:00Z-11:00Z
    lisbon_overlapping = make_slot("x", "2027-01-24 09:59", "Europe/Lisbon")  # 09:59Z-10:59Z

    assert paris.overlaps(london_touching) is False
    assert london_touching.overlaps(paris) is False
    assert paris.overlaps(lisbon_overlapping) is True
    assert lisbon_overlapping.overlaps(london_touching) is True


def test_slot_equality_ignores_extra() -> None:
    one = make_slot("a", "2027-01-24 09:00", "Europe/Paris", extra={"note": "x"})
    two = make_slot("a", "2027-01-24 09:00", "Europe/Paris", extra={"note": "y"})
    assert one == two
    assert hash(one) == hash(two)


@pytest.mark.parametrize(
    ("status", "cancelled"), [("cancelled", True), ("published", False), ("draft", False)]
)
def test_slot_is_cancelled_only_with_the_cancelled_status(status: str, cancelled: bool) -> None:
    slot = make_slot("c", "2027-01-24 09:00", "Europe/Paris", status=status)

    assert slot.is_cancelled is cancelled
