"""The `room` gettext domain: every string the JavaScript shows is found by the extraction,
translated into French in festival/locale/fr/LC_MESSAGES/room.po with the same placeholders,
and every error code the room can send has its own translated words in static/js/room/errors.js.

The strings are found twice, independently: by Babel's javascript extractor (what scripts/i18n
runs) and by a plain scan of the sources for t("…") and tn("…", "…") calls.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from realtime.errors import CODES

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "static" / "js"
ROOM_PO = ROOT / "festival" / "locale" / "fr" / "LC_MESSAGES" / "room.po"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
STRING = r'"((?:[^"\\]|\\.)*)"'
CALL_T = re.compile(r"(?<![\w.])t\(\s*" + STRING)
CALL_TN = re.compile(r"(?<![\w.])tn\(\s*" + STRING + r"\s*,\s*" + STRING)
# Codes the browser itself gives a failed request (static/js/room/socket.js), not the server.
BROWSER_CODES = {"offline", "dropped"}


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\")


def _scanned() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for path in sorted(JS.rglob("*.js")):
        source = path.read_text(encoding="utf-8")
        found |= {_unescape(m) for m in CALL_T.findall(source)}
        found |= {(_unescape(a), _unescape(b)) for a, b in CALL_TN.findall(source)}
    return found


def _extracted() -> set[str | tuple[str, str]]:
    messages = extract_from_dir(
        str(ROOT),
        method_map=[("static/js/**.js", "javascript")],
        options_map={"static/js/**.js": {"parse_template_string": "true"}},
        keywords={"t": None, "tn": (1, 2)},
    )
    return {message for _file, _line, message, _comments, _context in messages}


def _catalogue() -> Catalog:
    with ROOM_PO.open("rb") as handle:
        return read_po(handle, locale="fr", domain="room")


def test_room_domain_extraction_finds_every_string_the_javascript_shows() -> None:
    scanned = _scanned()

    assert len(scanned) > 150
    assert _extracted() == scanned


def test_room_domain_french_is_complete_with_the_same_placeholders() -> None:
    catalogue = _catalogue()
    problems = []
    for wanted in sorted(_scanned(), key=str):
        message = catalogue.get(wanted if isinstance(wanted, str) else wanted[0])
        if message is None or message.fuzzy:
            problems.append(f"missing: {wanted!r}")
            continue
        ids = [wanted] if isinstance(wanted, str) else list(wanted)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        if isinstance(wanted, tuple):
            if len(strings) != catalogue.num_plurals:
                problems.append(f"{len(strings)} plural forms: {wanted!r}")
        for string in strings:
            if not string:
                problems.append(f"empty: {wanted!r}")
            elif set(PLACEHOLDER.findall(string)) != expected:
                problems.append(f"placeholders differ: {wanted!r} -> {string!r}")

    assert problems == []


def test_room_domain_french_uses_french_typography() -> None:
    problems = []
    for message in _catalogue():
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for string in strings:
            # A space before : ; ? ! is a non-breaking one; no straight apostrophe.
            if re.search(r" [:;?!]", string) or "'" in string:
                problems.append(string)

    assert problems == []


def test_room_errors_have_words_for_every_code_the_room_sends() -> None:
    source = (JS / "room" / "errors.js").read_text(encoding="utf-8")
    translated = set(re.findall(r'^\s*"?([a-z_.]+)"?: \(e?\) =>', source, re.MULTILINE))

    assert translated == set(CODES) | BROWSER_CODES
