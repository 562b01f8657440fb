"""Zones found by the names people use in their language: "Katmandou", "Inde", "Argentine".

``scheduling.zonesearch`` knows the tz database's English names. On a page in another language
the same places are searched under CLDR's names (Babel: exemplar cities and country names) first,
then under the English ones, so both "Katmandou" and "Kathmandu" find Asia/Kathmandu.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import datetime

from babel.core import Locale
from babel.dates import get_timezone_location

from festival import i18n
from scheduling import zonesearch
from scheduling.zonesearch import Place, ZoneMatch


@functools.cache
def local_places(locale: str) -> tuple[Place, ...]:
    """Every place of ``zonesearch`` with its city and countries named in ``locale``."""
    babel = Locale.parse(locale)
    territories = babel.territories
    out: list[Place] = []
    for place in zonesearch.places():
        try:
            city = get_timezone_location(place.zone, locale=babel, return_city=True)
        except LookupError:
            city = place.city
        countries = tuple(
            territories.get(code, name)
            for code, name in zip(place.codes, place.countries, strict=False)
        )
        former = (*place.former, place.city)
        out.append(dataclasses.replace(place, city=city, countries=countries, former=former))
    return tuple(out)


def resolve(query: str, at: datetime) -> list[ZoneMatch]:
    """``zonesearch.resolve`` among the places named in the current language and among the
    English names: the better match wins ("Inde" and "India" both find India, not
    Indianapolis), the local names on a tie."""
    rank, found = zonesearch.resolve_ranked(query, at)
    if i18n.current_locale() == i18n.DEFAULT:
        return found
    local_rank, local = zonesearch.resolve_ranked(
        query, at, among=local_places(i18n.current_locale())
    )
    if local_rank is not None and (rank is None or local_rank <= rank):
        return local
    return found


def label(match: ZoneMatch) -> str:
    """``Kathmandu, Nepal (UTC+05:45)``, ``San Juan, Puerto Rico, Anguilla and 18 more (…)``:
    what a picker shows for a zone, in the current language (``ZoneMatch.label`` is English).
    The region after "—" is the tz database's own comment (data, as it writes it)."""
    place = match.place
    countries = list(place.countries[: zonesearch.LABEL_COUNTRIES])
    more = len(place.countries) - zonesearch.LABEL_COUNTRIES
    if more > 0:
        countries[-1] = i18n.ngettext(
            "%(country)s and %(num)s more",
            "%(country)s and %(num)s more",
            more,
            country=countries[-1],
        )
    where = ", ".join((place.city, *countries))
    if place.region:
        where += f" — {place.region}"
    return f"{where} ({match.offset})"
