"""scheduling.window: the festival local day, its global window and the live banner."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from scheduling import tz, window

FESTIVAL_DAY = date(2027, 1, 24)


def naive(text: str) -> datetime:
    """A naive wall time as an organiser enters it."""
    return datetime.fromisoformat(text)


def midnight_utc(day: date, zone_name: str) -> datetime:
    """Local midnight of ``day`` in ``zone_name`` as a UTC instant, straight from the zone rules."""
    return datetime(day.year, day.month, day.day, tzinfo=tz.zone(zone_name)).astimezone(UTC)


def offset_at(instant: datetime, zone_name: str) -> timedelta:
    offset = instant.astimezone(tz.zone(zone_name)).utcoffset()
    assert offset is not None
    return offset


def test_window_for_january_24_starts_at_kiritimati_midnight() -> None:
    kiritimati = midnight_utc(FESTIVAL_DAY, "Pacific/Kiritimati")

    result = window.window_for(FESTIVAL_DAY)

    assert result.starts_at_utc == kiritimati
    assert kiritimati == datetime(2027, 1, 23, 10, 0, tzinfo=UTC)  # UTC+14, the earliest
    assert result.first_zone == "Pacific/Kiritimati"
    # No geographic zone reaches January 24 before Kiritimati does.
    assert min(midnight_utc(FESTIVAL_DAY, name) for name in tz.canonical_zones()) == kiritimati


def test_window_for_january_24_ends_at_pago_pago_midnight() -> None:
    pago_pago = midnight_utc(FESTIVAL_DAY + timedelta(days=1), "Pacific/Pago_Pago")
    last_to_leave = {
        name
        for name in tz.canonical_zones()
        if midnight_utc(FESTIVAL_DAY + timedelta(days=1), name) == pago_pago
    }

    result = window.window_for(FESTIVAL_DAY)

    assert result.ends_at_utc == pago_pago
    assert pago_pago == datetime(2027, 1, 25, 11, 0, tzinfo=UTC)  # UTC−11, the latest
    assert result.last_zone in last_to_leave
    assert result.last_zone == "Pacific/Pago_Pago"
    assert max(midnight_utc(FESTIVAL_DAY + timedelta(days=1), n) for n in tz.canonical_zones()) == (
        pago_pago
    )


def test_window_length_is_49_hours() -> None:
    start = midnight_utc(FESTIVAL_DAY, "Pacific/Kiritimati")
    end = midnight_utc(FESTIVAL_DAY + timedelta(days=1), "Pacific/Pago_Pago")
    expected_hours = (end - start) / timedelta(hours=1)

    result = window.window_for(FESTIVAL_DAY)

    assert result.length_hours == expected_hours == 49.0


def test_window_contains_is_half_open() -> None:
    result = window.window_for(FESTIVAL_DAY)
    second = timedelta(seconds=1)
    assert [
        result.contains(result.starts_at_utc - second),
        result.contains(result.starts_at_utc),
        result.contains(result.ends_at_utc - second),
        result.contains(result.ends_at_utc),
    ] == [False, True, True, False]


def test_window_for_dates_spans_first_start_to_last_end() -> None:
    days = [date(2027, 1, 25), date(2027, 1, 24)]
    result = window.window_for_dates(days)
    assert (result.starts_at_utc, result.ends_at_utc) == (
        midnight_utc(date(2027, 1, 24), "Pacific/Kiritimati"),
        midnight_utc(date(2027, 1, 26), "Pacific/Pago_Pago"),
    )
    with pytest.raises(ValueError):
        window.window_for_dates([])


def test_local_midnight_utc_skipped_midnight_uses_first_valid_time() -> None:
    # Chile springs forward at midnight: 2026-09-06 begins at 01:00 -03.
    result = window.local_midnight_utc(date(2026, 9, 6), "America/Santiago")
    assert result == tz.to_utc(naive("2026-09-06 01:00"), "America/Santiago")
    assert tz.localize(result, "America/Santiago").utcoffset() == timedelta(hours=-3)
    assert result == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("wall", "zone_name", "belongs"),
    [
        ("2027-01-24 00:00", "Pacific/Kiritimati", True),  # the festival's first minute
        ("2027-01-23 23:59", "Pacific/Kiritimati", False),
        ("2027-01-24 23:59", "Pacific/Pago_Pago", True),  # its last minute
        ("2027-01-25 00:00", "Pacific/Pago_Pago", False),
        ("2027-01-24 23:30", "Pacific/Chatham", True),
        ("2027-01-24 00:15", "Asia/Kathmandu", True),
        ("2027-01-23 23:45", "America/St_Johns", False),
    ],
)
def test_belongs_to_uses_the_organisers_own_local_date(
    wall: str, zone_name: str, belongs: bool
) -> None:
    starts_at_utc = tz.to_utc(naive(wall), zone_name)

    assert window.belongs_to(starts_at_utc, zone_name, [FESTIVAL_DAY]) is belongs
    if belongs:
        assert window.window_for(FESTIVAL_DAY).contains(starts_at_utc)


def _zones_on_day(now: datetime, day: date) -> tuple[int, int]:
    """Zones whose local date at ``now`` is ``day``, and their distinct offsets."""
    offsets = [
        offset_at(now, name)
        for name in tz.canonical_zones()
        if (now + offset_at(now, name)).date() == day
    ]
    return len(offsets), len(set(offsets))


def test_day_status_at_window_start_only_kiritimati() -> None:
    now = datetime(2027, 1, 23, 10, 0, tzinfo=UTC)

    status = window.day_status(FESTIVAL_DAY, now)

    assert (status.zones, status.offsets) == (1, 1) == _zones_on_day(now, FESTIVAL_DAY)
    assert status.is_on
    assert (status.hours_left, status.hours_until_start) == (49.0, 0.0)


def test_day_status_chatham_joins_at_quarter_past() -> None:
    before = datetime(2027, 1, 23, 10, 14, 59, tzinfo=UTC)
    after = datetime(2027, 1, 23, 10, 15, tzinfo=UTC)
    assert offset_at(after, "Pacific/Chatham") == timedelta(hours=13, minutes=45)

    at_before = window.day_status(FESTIVAL_DAY, before)
    at_after = window.day_status(FESTIVAL_DAY, after)

    assert (at_before.zones, at_after.zones, at_after.offsets) == (1, 2, 2)


@pytest.mark.parametrize(
    "now",
    [
        datetime(2027, 1, 23, 11, 0, tzinfo=UTC),
        datetime(2027, 1, 24, 0, 0, tzinfo=UTC),
        datetime(2027, 1, 24, 12, 0, tzinfo=UTC),
        datetime(2027, 1, 24, 23, 59, tzinfo=UTC),
        datetime(2027, 1, 25, 10, 59, 59, tzinfo=UTC),
    ],
)
def test_day_status_counts_zones_whose_local_date_is_the_day(now: datetime) -> None:
    expected = _zones_on_day(now, FESTIVAL_DAY)
    end = midnight_utc(FESTIVAL_DAY + timedelta(days=1), "Pacific/Pago_Pago")

    status = window.day_status(FESTIVAL_DAY, now)

    assert (status.zones, status.offsets) == expected
    assert status.zones > 0
    assert status.hours_left == (end - now) / timedelta(hours=1)
    assert status.hours_until_start == 0.0


def test_day_status_at_noon_utc_every_zone_between_minus_12_and_plus_12() -> None:
    now = datetime(2027, 1, 24, 12, 0, tzinfo=UTC)
    expected = sum(
        1
        for name in tz.canonical_zones()
        if timedelta(hours=-12) <= offset_at(now, name) < timedelta(hours=12)
    )

    assert window.day_status(FESTIVAL_DAY, now).zones == expected


def test_day_status_before_and_after_the_window() -> None:
    start = midnight_utc(FESTIVAL_DAY, "Pacific/Kiritimati")
    end = midnight_utc(FESTIVAL_DAY + timedelta(days=1), "Pacific/Pago_Pago")

    before = window.day_status(FESTIVAL_DAY, start - timedelta(hours=2, minutes=30))
    after = window.day_status(FESTIVAL_DAY, end)

    assert (before.zones, before.offsets, before.is_on) == (0, 0, False)
    assert (before.hours_until_start, before.hours_left) == (2.5, 51.5)
    assert (after.zones, after.hours_left, after.hours_until_start) == (0, 0.0, 0.0)


def test_day_status_refuses_naive_now() -> None:
    with pytest.raises(ValueError):
        window.day_status(FESTIVAL_DAY, naive("2027-01-24 12:00"))


def test_viewer_days_for_january_24_are_the_local_dates_the_window_touches() -> None:
    jan24 = window.window_for(date(2027, 1, 24))  # 2027-01-23T10:00Z .. 2027-01-25T11:00Z

    assert window.viewer_days(jan24, "Africa/Abidjan") == [
        date(2027, 1, 23),
        date(2027, 1, 24),
        date(2027, 1, 25),
    ]
    # Kiritimati (UTC+14): from its own midnight starting the 24th to 01:00 on the 26th.
    assert window.viewer_days(jan24, "Pacific/Kiritimati") == [
        date(2027, 1, 24),
        date(2027, 1, 25),
        date(2027, 1, 26),
    ]
    # Pago Pago (UTC-11): from 23:00 on the 22nd to midnight ending the 24th.
    assert window.viewer_days(jan24, "Pacific/Pago_Pago") == [
        date(2027, 1, 22),
        date(2027, 1, 23),
        date(2027, 1, 24),
    ]
