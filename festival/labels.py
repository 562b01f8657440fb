"""Names people read for codes and vocabulary values: the future message catalogue.

Languages, session kinds, audiences, statuses, organisation and edition kinds, SDGs and
countries. Kinds, audiences, statuses and SDGs come from ``scheduling.vocabulary`` (organisation
and edition kinds from ``festival.models``); tests/festival/test_labels.py checks that every
value has a label here and that no label names a value that does not exist.
"""

from __future__ import annotations

import functools
import importlib.resources

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

KIND_LABELS: dict[str, str] = {
    SessionKind.LECTURE: "Lecture",
    SessionKind.DEBATE: "Debate",
    SessionKind.WORKSHOP: "Workshop",
    SessionKind.GAME: "Game",
    SessionKind.READING: "Reading",
    SessionKind.QA: "Q&A",
    SessionKind.PERFORMANCE: "Performance",
    SessionKind.OTHER: "Other",
}

AUDIENCE_LABELS: dict[str, str] = {
    Audience.EVERYONE: "Everyone",
    Audience.CHILDREN: "Children",
    Audience.YOUTH: "Youth",
    Audience.ADULTS: "Adults",
    Audience.EDUCATORS: "Educators",
}

STATUS_LABELS: dict[str, str] = {
    SessionStatus.DRAFT: "Draft",
    SessionStatus.SUBMITTED: "Waiting for review",
    SessionStatus.PUBLISHED: "Published",
    SessionStatus.CANCELLED: "Cancelled",
}

ORGANISATION_KIND_LABELS: dict[str, str] = {
    OrganisationKind.CITY: "City",
    OrganisationKind.ASSOCIATION: "Association",
    OrganisationKind.SCHOOL_NETWORK: "School network",
    OrganisationKind.YOUTH_GROUP: "Youth group",
    OrganisationKind.OTHER: "Other",
}

EDITION_KIND_LABELS: dict[str, str] = {
    EditionKind.FLAGSHIP: "Flagship: the #LearningPlanet Festival",
    EditionKind.CELEBRATION: "Celebration: another learning celebration",
    EditionKind.ASSEMBLY: "Assembly",
}

AGE_GROUP_LABELS: dict[str, str] = {
    AgeGroup.EARLY_YEARS: "Early years (0–5)",
    AgeGroup.CHILDREN: "Children (6–11)",
    AgeGroup.TEENAGERS: "Teenagers (12–17)",
    AgeGroup.YOUNG_ADULTS: "Young adults (18–25)",
    AgeGroup.ADULTS: "Adults",
    AgeGroup.ALL_AGES: "All ages",
}

LICENCE_LABELS: dict[str, str] = {
    Licence.CC_BY: "CC BY 4.0 (attribution)",
    Licence.CC_BY_SA: "CC BY-SA 4.0 (attribution, share alike)",
    Licence.CC_BY_NC: "CC BY-NC 4.0 (attribution, non-commercial)",
    Licence.CC_BY_NC_SA: "CC BY-NC-SA 4.0 (attribution, non-commercial, share alike)",
    Licence.CC_BY_ND: "CC BY-ND 4.0 (attribution, no derivatives)",
    Licence.CC_BY_NC_ND: "CC BY-NC-ND 4.0 (attribution, non-commercial, no derivatives)",
    Licence.CC0: "CC0 1.0 (public domain dedication)",
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

TOOLKIT_STATUS_LABELS: dict[str, str] = {
    ToolkitStatus.DRAFT: "Draft (only your organisation sees it)",
    ToolkitStatus.PUBLISHED: "Published",
}

SDG_NAMES: dict[int, str] = {
    1: "No poverty",
    2: "Zero hunger",
    3: "Good health and well-being",
    4: "Quality education",
    5: "Gender equality",
    6: "Clean water and sanitation",
    7: "Affordable and clean energy",
    8: "Decent work and economic growth",
    9: "Industry, innovation and infrastructure",
    10: "Reduced inequalities",
    11: "Sustainable cities and communities",
    12: "Responsible consumption and production",
    13: "Climate action",
    14: "Life below water",
    15: "Life on land",
    16: "Peace, justice and strong institutions",
    17: "Partnerships for the goals",
}


def plural(count: int, one: str, other: str) -> str:
    """The form of a phrase that goes with ``count``: ``1 time zone``, ``2 time zones``.

    English has two forms; the message catalogue will ask the locale (CLDR plural rules) here.
    """
    return one if count == 1 else other


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.lower(), code)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def audience_label(audience: str) -> str:
    return AUDIENCE_LABELS.get(audience, audience.capitalize())


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.capitalize())


def organisation_kind_label(kind: str) -> str:
    return ORGANISATION_KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def edition_kind_label(kind: str) -> str:
    return EDITION_KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def age_group_label(group: str) -> str:
    return AGE_GROUP_LABELS.get(group, group.replace("_", " ").capitalize())


def licence_label(licence: str) -> str:
    return LICENCE_LABELS.get(licence, licence.upper())


def toolkit_status_label(status: str) -> str:
    return TOOLKIT_STATUS_LABELS.get(status, status.capitalize())


def sdg_label(number: int) -> str:
    return f"SDG {number}: {SDG_NAMES.get(number, '')}".rstrip(": ")


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
    """``KE`` -> ``Kenya`` (from the tz database's iso3166.tab)."""
    return _countries().get(code.upper(), code)


def country_choices() -> list[tuple[str, str]]:
    """Every (code, name) of the tz database's iso3166.tab, in its order (by code)."""
    return list(_countries().items())
