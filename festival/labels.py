"""Names people read for codes and vocabulary values, in the request's language.

Languages, session kinds, audiences, statuses, organisation and edition kinds, SDGs and
countries. Kinds, audiences, statuses and SDGs come from ``scheduling.vocabulary`` (organisation
and edition kinds from ``festival.models``); tests/festival/test_labels.py checks that every
value has a label here and that no label names a value that does not exist.

The labels are ``lazy_gettext`` strings (translated when shown, in the language of the request
showing them); the functions return plain ``str``. Language and country names come from CLDR
(Babel) in languages other than English.
"""

from __future__ import annotations

import functools
import importlib.resources

from babel.core import Locale

from festival.i18n import DEFAULT, LazyString, babel_locale, current_locale
from festival.i18n import lazy_gettext as _l
from festival.models import EditionKind, OrganisationKind
from scheduling.vocabulary import (
    AgeGroup,
    Audience,
    Licence,
    SessionKind,
    SessionStatus,
    ToolkitStatus,
)

LANGUAGE_NAMES: dict[str, str] = {
    "am": "Amharic",
    "ar": "Arabic",
    "ay": "Aymara",
    "bn": "Bengali",
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fi": "Finnish",
    "fj": "Fijian",
    "fr": "French",
    "ga": "Irish",
    "gil": "Gilbertese",
    "ha": "Hausa",
    "haw": "Hawaiian",
    "he": "Hebrew",
    "hi": "Hindi",
    "ht": "Haitian Creole",
    "hu": "Hungarian",
    "id": "Indonesian",
    "ig": "Igbo",
    "it": "Italian",
    "ja": "Japanese",
    "ka": "Georgian",
    "kk": "Kazakh",
    "ko": "Korean",
    "lg": "Luganda",
    "ln": "Lingala",
    "mi": "Māori",
    "mn": "Mongolian",
    "ms": "Malay",
    "ne": "Nepali",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "qu": "Quechua",
    "ro": "Romanian",
    "ru": "Russian",
    "si": "Sinhala",
    "sm": "Samoan",
    "sv": "Swedish",
    "sw": "Swahili",
    "ta": "Tamil",
    "th": "Thai",
    "tl": "Tagalog",
    "to": "Tongan",
    "tpi": "Tok Pisin",
    "tr": "Turkish",
    "tw": "Twi",
    "ty": "Tahitian",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "wo": "Wolof",
    "xh": "Xhosa",
    "yo": "Yoruba",
    "zh": "Chinese",
    "zu": "Zulu",
}

KIND_LABELS: dict[str, LazyString] = {
    SessionKind.LECTURE: _l("Lecture"),
    SessionKind.DEBATE: _l("Debate"),
    SessionKind.WORKSHOP: _l("Workshop"),
    SessionKind.GAME: _l("Game"),
    SessionKind.READING: _l("Reading"),
    SessionKind.QA: _l("Q&A"),
    SessionKind.PERFORMANCE: _l("Performance"),
    SessionKind.OTHER: _l("Other"),
}

AUDIENCE_LABELS: dict[str, LazyString] = {
    Audience.EVERYONE: _l("Everyone"),
    Audience.CHILDREN: _l("Children"),
    Audience.YOUTH: _l("Youth"),
    Audience.ADULTS: _l("Adults"),
    Audience.EDUCATORS: _l("Educators"),
}

STATUS_LABELS: dict[str, LazyString] = {
    SessionStatus.DRAFT: _l("Draft"),
    SessionStatus.SUBMITTED: _l("Waiting for review"),
    SessionStatus.PUBLISHED: _l("Published"),
    SessionStatus.CANCELLED: _l("Cancelled"),
}

ORGANISATION_KIND_LABELS: dict[str, LazyString] = {
    OrganisationKind.CITY: _l("City"),
    OrganisationKind.ASSOCIATION: _l("Association"),
    OrganisationKind.SCHOOL_NETWORK: _l("School network"),
    OrganisationKind.YOUTH_GROUP: _l("Youth group"),
    OrganisationKind.OTHER: _l("Other"),
}

EDITION_KIND_LABELS: dict[str, LazyString] = {
    EditionKind.FLAGSHIP: _l("Flagship: the #LearningPlanet Festival"),
    EditionKind.CELEBRATION: _l("Celebration: another learning celebration"),
    EditionKind.ASSEMBLY: _l("Assembly"),
}

AGE_GROUP_LABELS: dict[str, LazyString] = {
    AgeGroup.EARLY_YEARS: _l("Early years (0–5)"),
    AgeGroup.CHILDREN: _l("Children (6–11)"),
    AgeGroup.TEENAGERS: _l("Teenagers (12–17)"),
    AgeGroup.YOUNG_ADULTS: _l("Young adults (18–25)"),
    AgeGroup.ADULTS: _l("Adults"),
    AgeGroup.ALL_AGES: _l("All ages"),
}

LICENCE_LABELS: dict[str, LazyString] = {
    Licence.CC_BY: _l("CC BY 4.0 (attribution)"),
    Licence.CC_BY_SA: _l("CC BY-SA 4.0 (attribution, share alike)"),
    Licence.CC_BY_NC: _l("CC BY-NC 4.0 (attribution, non-commercial)"),
    Licence.CC_BY_NC_SA: _l("CC BY-NC-SA 4.0 (attribution, non-commercial, share alike)"),
    Licence.CC_BY_ND: _l("CC BY-ND 4.0 (attribution, no derivatives)"),
    Licence.CC_BY_NC_ND: _l("CC BY-NC-ND 4.0 (attribution, non-commercial, no derivatives)"),
    Licence.CC0: _l("CC0 1.0 (public domain dedication)"),
}

#: Where each licence's deed is read (creativecommons.org).
LICENCE_URLS: dict[str, str] = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    Licence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/",
    Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}

TOOLKIT_STATUS_LABELS: dict[str, LazyString] = {
    ToolkitStatus.DRAFT: _l("Draft (only your organisation sees it)"),
    ToolkitStatus.PUBLISHED: _l("Published"),
}

#: The timeline's regions (``scheduling.tz.REGIONS``), for people.
REGION_LABELS: dict[str, LazyString] = {
    "Oceania": _l("Oceania"),
    "Asia": _l("Asia"),
    "Europe": _l("Europe"),
    "Africa & Atlantic": _l("Africa & Atlantic"),
    "Americas": _l("Americas"),
    "Antarctica": _l("Antarctica"),
}

SDG_NAMES: dict[int, LazyString] = {
    1: _l("No poverty"),
    2: _l("Zero hunger"),
    3: _l("Good health and well-being"),
    4: _l("Quality education"),
    5: _l("Gender equality"),
    6: _l("Clean water and sanitation"),
    7: _l("Affordable and clean energy"),
    8: _l("Decent work and economic growth"),
    9: _l("Industry, innovation and infrastructure"),
    10: _l("Reduced inequalities"),
    11: _l("Sustainable cities and communities"),
    12: _l("Responsible consumption and production"),
    13: _l("Climate action"),
    14: _l("Life below water"),
    15: _l("Life on land"),
    16: _l("Peace, justice and strong institutions"),
    17: _l("Partnerships for the goals"),
}


def plural(count: int, one: str, other: str) -> str:
    """The form of a phrase that goes with ``count``: ``1 time zone``, ``2 time zones``.

    English has two forms; the message catalogue will ask the locale (CLDR plural rules) here.
    """
    return one if count == 1 else other


def region_label(region: str) -> str:
    return str(REGION_LABELS.get(region, region))


def language_name(code: str) -> str:
    """``fr`` -> ``French`` (``français`` on a French page: CLDR's name)."""
    if current_locale() != DEFAULT:
        name = _cldr_name(babel_locale(), "languages", code.lower())
        if name:
            return name
    return LANGUAGE_NAMES.get(code.lower(), code)


def _cldr_name(locale: Locale, kind: str, code: str) -> str | None:
    names: dict[str, str] = getattr(locale, kind)
    return names.get(code)


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()))


def audience_label(audience: str) -> str:
    return str(AUDIENCE_LABELS.get(audience, audience.capitalize()))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status.capitalize()))


def organisation_kind_label(kind: str) -> str:
    return str(ORGANISATION_KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()))


def edition_kind_label(kind: str) -> str:
    return str(EDITION_KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()))


def age_group_label(group: str) -> str:
    return str(AGE_GROUP_LABELS.get(group, group.replace("_", " ").capitalize()))


def licence_label(licence: str) -> str:
    return str(LICENCE_LABELS.get(licence, licence.upper()))


def toolkit_status_label(status: str) -> str:
    return str(TOOLKIT_STATUS_LABELS.get(status, status.capitalize()))


def sdg_label(number: int) -> str:
    name = SDG_NAMES.get(number)
    if name is None:
        return _l("SDG %(number)s") % {"number": number}
    return _l("SDG %(number)s: %(name)s") % {"number": number, "name": name}


@functools.cache
def _countries() -> dict[str, str]:
    text = importlib.resources.files("tzdata.zoneinfo").joinpath("iso3166.tab").read_text("utf-8")
    names: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t", 1)
            names[code] = name.strip()
    return names


def country_name(code: str) -> str:
    """``KE`` -> ``Kenya`` (from the tz database's iso3166.tab; CLDR's name in other languages)."""
    if current_locale() != DEFAULT:
        name = _cldr_name(babel_locale(), "territories", code.upper())
        if name:
            return name
    return _countries().get(code.upper(), code)


def country_choices() -> list[tuple[str, str]]:
    """Every (code, name) of the tz database's iso3166.tab, in its order (by code)."""
    return list(_countries().items())
