"""The French catalogues are complete: the same check as ``scripts/i18n check``, over every
domain (messages, admin, room), against the strings extracted from the code right now.

The check itself is tested on catalogues with one entry broken (missing, empty, fuzzy,
placeholders changed), so that a passing run means something.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from festival import i18n

ROOT = Path(__file__).resolve().parents[2]


def load_script() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("i18n_script", str(ROOT / "scripts" / "i18n"))
    spec = importlib.util.spec_from_loader("i18n_script", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_script"] = module  # dataclasses look their module up
    loader.exec_module(module)
    return module


script = load_script()


@pytest.fixture(scope="module")
def extracted() -> dict[str, Catalog]:
    catalogs: dict[str, Catalog] = script.extract_all()
    return catalogs


def test_every_string_of_every_domain_is_translated(extracted: dict[str, Catalog]) -> None:
    problems = script.check(extracted=extracted)
    assert problems == [], "\n".join(problems)


def test_every_domain_has_strings_and_a_french_file(extracted: dict[str, Catalog]) -> None:
    assert set(extracted) == set(i18n.DOMAINS)
    assert len([m for m in extracted["messages"] if m.id]) > 10
    for domain in i18n.DOMAINS:
        assert i18n.po_path("fr", domain).exists()


def _catalogs_with(domain: str, msgid: str | tuple[str, str], string: object) -> object:
    """A reader of the real catalogues where one entry of ``domain`` is replaced."""

    def reader(locale: str, name: str) -> Catalog:
        catalog: Catalog = script.read(locale, name)
        if name == domain:
            buf = io.BytesIO()
            write_po(buf, catalog)
            buf.seek(0)
            catalog = read_po(buf, locale=locale, domain=name)
            key = msgid if isinstance(msgid, str) else msgid[0]
            if string is None:
                catalog.delete(key)
            elif string == "fuzzy":
                catalog[key].flags.add("fuzzy")
            else:
                catalog[key].string = string
        return catalog

    return reader


FOOTER = (
    'Times are shown in %(zone)s. It is now <time datetime="%(iso)s">%(now)s</time> where you are.'
)


@pytest.mark.parametrize(
    ("string", "expected"),
    [
        (None, "is missing"),
        ("", "has no translation"),
        ("fuzzy", "is fuzzy"),
        ("Heures : %(zone)s, il est %(now)s.", "placeholders differ"),
        ("Heures : %(zone)s, %(iso)s, il est %(maintenant)s.", "placeholders differ"),
    ],
)
def test_the_check_fails_on_a_broken_french_entry(
    extracted: dict[str, Catalog], string: str | None, expected: str
) -> None:
    baseline = script.check(extracted=extracted)
    problems = script.check(
        extracted=extracted, read_catalog=_catalogs_with("messages", FOOTER, string)
    )
    new = [p for p in problems if p not in baseline]
    assert len(new) == 1 and expected in new[0] and "Times are shown in" in new[0], problems


def test_the_check_fails_when_two_domains_translate_one_msgid_differently(
    extracted: dict[str, Catalog],
) -> None:
    extra = {name: Catalog(domain=name) for name in i18n.DOMAINS}
    for name in i18n.DOMAINS:
        for message in extracted[name]:
            if message.id:
                extra[name].add(message.id, None, context=message.context)
    extra["room"].add("Home")

    def reader(locale: str, name: str) -> Catalog:
        catalog: Catalog = script.read(locale, name)
        if name == "room":
            catalog.add("Home", "Maison")
        return catalog

    problems = script.check(extracted=extra, read_catalog=reader)
    assert [p for p in problems if "translated differently" in p] == [
        "fr: 'Home' is translated differently in messages.po and room.po"
        " (one table at run time: use the same text or pgettext)"
    ], problems


@pytest.mark.parametrize(
    ("msgid", "msgstr", "same"),
    [
        ("%(count)s sessions", "%(count)s sessions", True),
        ("{name} joined", "{name} a rejoint", True),
        ("%s left", "%s est parti", True),
        ("100%% sure, %(n)s", "sûr à 100 %%, %(n)s", True),
        ("{name} joined", "{nom} a rejoint", False),
        ("%(a)s and %(b)s", "%(a)s et %(a)s", False),
        ("%s left", "parti", False),
    ],
)
def test_placeholders(msgid: str, msgstr: str, same: bool) -> None:
    assert (script.placeholders(msgid) == script.placeholders(msgstr)) is same


def test_plural_forms_are_checked_against_msgid_plural() -> None:
    catalog = Catalog(locale="fr", domain="messages")
    catalog.add(("One session", "%(num)s sessions"), ("%(num)s session", "%(num)s sessions"))
    catalog.add(("One room", "%(num)s rooms"), ("Une salle", "salles"))
    good, bad = list(catalog)[1:]
    assert script.problems_of(good, "messages", "fr") == []
    assert "placeholders differ" in script.problems_of(bad, "messages", "fr")[0]


def test_french_has_two_plural_forms_and_merged_domains_translate() -> None:
    table = i18n.translations("fr")
    assert table.ngettext("x", "y", 1) == "x" and table.ngettext("x", "y", 2) == "y"
    with i18n.use_locale("fr"):
        assert i18n.gettext("Home") == "Accueil"
        assert i18n.ngettext("%(num)s session", "%(num)s sessions", 1200) in (
            "1\u202f200 sessions",
            "1\u00a0200 sessions",
            "1 200 sessions",
        )
    assert i18n.gettext("Home") == "Home"
