"""The site's languages: which one a request gets, and gettext for Python and the templates.

English is the language of the code (the msgids); French comes from
``festival/locale/fr/LC_MESSAGES/{messages,admin,room}.po``. The three domains only split the
work of extraction by files (``scripts/i18n``, docs/translations.md); at startup every domain's
``.po`` file of a locale is read (no compiled ``.mo`` file to keep in sync) and merged into ONE
translation table per locale, used by Jinja and by Python alike. A fuzzy or empty entry is not
used: the English text shows instead (and ``scripts/i18n check`` fails).

The language of a request, decided once by :class:`LocaleMiddleware` (HTTP and WebSocket):
``?locale=xx`` (remembered in the ``lang`` cookie for a year) > the ``lang`` cookie >
``Accept-Language`` > English. It lives in a ContextVar for the request's task, so the one Jinja
environment shared by every request, and ``_()`` anywhere in Python, translate into it.

``lazy_gettext`` is for module-level strings (labels): it translates when turned into a string,
in the locale of the request that does so.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from babel.core import Locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SUPPORTED: tuple[str, ...] = ("en", "fr")
DEFAULT = "en"
#: The gettext domains: which files each one's strings come from is in scripts/i18n.
DOMAINS: tuple[str, ...] = ("messages", "admin", "room")
#: The domain whose strings the browser's JavaScript needs (``js_catalogue()``).
JS_DOMAIN = "room"
LOCALE_DIR = Path(__file__).parent / "locale"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
#: Not ``lang``: that is the session-language filter of the programme, toolkits, feeds, API.
QUERY = "locale"
#: Each language named in itself, for the language switch.
NATIVE_NAMES: Mapping[str, str] = {"en": "English", "fr": "Français"}

_locale: ContextVar[str] = ContextVar("festival_locale", default=DEFAULT)


def current_locale() -> str:
    """The language of the request being served (``"en"`` outside any request)."""
    return _locale.get()


def set_locale(code: str) -> Any:
    """Make ``code`` the current language; returns the token for :func:`reset_locale`."""
    if code not in SUPPORTED:
        raise ValueError(f"unsupported locale {code!r}")
    return _locale.set(code)


def reset_locale(token: Any) -> None:
    _locale.reset(token)


class use_locale:  # noqa: N801 - used like a function: ``with use_locale("fr"):``
    """Translate into ``code`` inside the block (tests, mail sent for another person)."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __enter__(self) -> str:
        self.token = set_locale(self.code)
        return self.code

    def __exit__(self, *exc: object) -> None:
        reset_locale(self.token)


def english(function: Callable[..., str], *args: Any) -> str:
    """``function(*args)`` in English: for data (the JSON API) that must not follow the
    reader's language."""
    with use_locale(DEFAULT):
        return function(*args)


def babel_locale() -> Locale:
    """The current language as a Babel ``Locale`` (for dates, numbers, zone names)."""
    return _babel_locale(current_locale())


@cache
def _babel_locale(code: str) -> Locale:
    return Locale.parse(code)


# ---------------------------------------------------------------------------------------------
# Catalogues


def po_path(locale: str, domain: str, base: Path = LOCALE_DIR) -> Path:
    return base / locale / "LC_MESSAGES" / f"{domain}.po"


def _translations_of(locale: str, base: Path) -> _gettext.NullTranslations:
    """Every domain's ``.po`` of ``locale`` merged into one table (fuzzy entries left out)."""
    merged: _gettext.NullTranslations | None = None
    for domain in DOMAINS:
        path = po_path(locale, domain, base)
        if not path.exists():
            continue
        with path.open("rb") as f:
            catalog = read_po(f, locale=locale, domain=domain)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        table = _gettext.GNUTranslations(buf)
        if merged is None:
            merged = table
        else:
            assert isinstance(merged, _gettext.GNUTranslations)
            merged._catalog.update(table._catalog)  # type: ignore[attr-defined]
    return merged or _gettext.NullTranslations()


@cache
def translations(locale: str, base: Path = LOCALE_DIR) -> _gettext.NullTranslations:
    """The merged table of a locale, read once per process."""
    if locale == DEFAULT:
        return _gettext.NullTranslations()
    return _translations_of(locale, base)


@cache
def _js_table(locale: str, base: Path = LOCALE_DIR) -> dict[str, str | list[str]]:
    if locale == DEFAULT:
        return {}
    path = po_path(locale, JS_DOMAIN, base)
    if not path.exists():
        return {}
    with path.open("rb") as f:
        catalog = read_po(f, locale=locale, domain=JS_DOMAIN)
    table: dict[str, str | list[str]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            forms = [str(s) for s in message.string or ()]
            if all(forms):
                table[str(message.id[0])] = forms
        elif message.string:
            table[str(message.id)] = str(message.string)
    return table


def js_catalogue() -> dict[str, str | list[str]]:
    """The ``room`` domain's translations for the current language, for static/js/i18n.js.

    ``{msgid: msgstr}``; a plural entry is ``{singular msgid: [form 0, form 1, ...]}`` in
    gettext's order (for French and English: ``[one, other]``; the script picks ``one`` when
    ``Intl.PluralRules(lang).select(n)`` says "one", else the last form). English is ``{}``:
    the script shows the msgids themselves.
    """
    return _js_table(current_locale())


def load_all() -> None:
    """Read every catalogue now (at startup), so a broken ``.po`` file stops the start."""
    for code in SUPPORTED:
        translations(code)
        _js_table(code)


# ---------------------------------------------------------------------------------------------
# gettext


def gettext(message: str, **variables: Any) -> str:
    """``message`` in the current language; ``%(name)s`` placeholders filled from ``variables``."""
    text = translations(current_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    """The form for ``n``; ``%(num)s`` is ``n`` (formatted for the language) unless given."""
    text = translations(current_locale()).ngettext(singular, plural, n)
    variables.setdefault("num", format_integer(n))
    return text % variables


def pgettext(context: str, message: str, **variables: Any) -> str:
    text = translations(current_locale()).pgettext(context, message)
    return text % variables if variables else text


def npgettext(context: str, singular: str, plural: str, n: int, **variables: Any) -> str:
    text = translations(current_locale()).npgettext(context, singular, plural, n)
    variables.setdefault("num", format_integer(n))
    return text % variables


def format_integer(n: int) -> str:
    """``n`` with the language's grouping ("1,000" / "1 000")."""
    from babel.numbers import format_decimal

    return format_decimal(n, locale=babel_locale())


class LazyString:
    """A msgid translated each time it is used as a string, in the language of that moment."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return gettext(self.message)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __repr__(self) -> str:
        return f"lazy_gettext({self.message!r})"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.message)

    def __getattr__(self, name: str) -> Any:
        # str's methods (``.strip()``, ``.upper()``) on the text of the moment.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other)

    def __mod__(self, other: Any) -> str:
        text: str = str(self) % other
        return text

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __len__(self) -> int:
        return len(str(self))

    def format(self, *args: Any, **kwargs: Any) -> str:
        return str(self).format(*args, **kwargs)


def lazy_gettext(message: str) -> LazyString:
    """For module-level strings: translated when used (``str()``, a template, ``%``)."""
    return LazyString(message)


# ---------------------------------------------------------------------------------------------
# Negotiation


def parse_accept_language(header: str) -> list[str]:
    """The tags of an ``Accept-Language`` header, best first (``q=0`` and ``*`` left out)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            weighted.append((-q, index, tag.replace("-", "_")))
    return [tag for _, _, tag in sorted(weighted)]


def supported(code: str | None) -> str | None:
    """``code`` when it is a language of the site (``"fr"``, ``"FR"``), else ``None``."""
    if code is None:
        return None
    code = code.strip().lower()
    return code if code in SUPPORTED else None


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str) -> str:
    """``?locale=`` > cookie > ``Accept-Language`` (Babel's negotiation) > English."""
    chosen = supported(query_lang) or supported(cookie_lang)
    if chosen:
        return chosen
    found = negotiate_locale(parse_accept_language(accept_language), list(SUPPORTED), sep="_")
    return supported(found) or DEFAULT


def _cookies(header: str) -> Iterator[tuple[str, str]]:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        yield name.strip(), value.strip().strip('"')


def _query_lang(query_string: bytes) -> str | None:
    from urllib.parse import parse_qsl

    for name, value in parse_qsl(query_string.decode("latin-1")):
        if name == QUERY:
            return value
    return None


#: Paths whose answers do not depend on the language (no ``Vary``: caches keep one copy).
UNVARIED_PREFIXES = ("/static/", "/media/", "/healthz", "/readyz", "/metrics")


class LocaleMiddleware:
    """Pure ASGI: decides the language of each HTTP request and WebSocket, sets the ContextVar
    (and ``scope["state"]["locale"]``), remembers ``?locale=`` in the ``lang`` cookie and adds
    ``Vary: Accept-Language, Cookie`` to answers that depend on the language."""

    def __init__(self, app: ASGIApp, *, secure_cookie: bool = False) -> None:
        self.app = app
        self.secure_cookie = secure_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        cookie_lang = dict(_cookies(headers.get("cookie", ""))).get(COOKIE)
        query_lang = supported(_query_lang(scope.get("query_string", b"")))
        locale = negotiate(query_lang, cookie_lang, headers.get("accept-language", ""))
        scope.setdefault("state", {})["locale"] = locale
        token = _locale.set(locale)
        try:
            if scope["type"] == "websocket":
                await self.app(scope, receive, send)
                return
            remember = query_lang if query_lang and query_lang != supported(cookie_lang) else None
            varied = not scope["path"].startswith(UNVARIED_PREFIXES)

            async def send_localised(message: Message) -> None:
                if message["type"] == "http.response.start":
                    out = MutableHeaders(scope=message)
                    if varied:
                        _add_vary(out, "Accept-Language", "Cookie")
                        if "content-language" not in out:
                            out["Content-Language"] = locale
                    if remember:
                        out.append("Set-Cookie", self._cookie(remember))
                await send(message)

            await self.app(scope, receive, send_localised)
        finally:
            _locale.reset(token)

    def _cookie(self, code: str) -> str:
        cookie = f"{COOKIE}={code}; Max-Age={COOKIE_MAX_AGE}; Path=/; SameSite=Lax; HttpOnly"
        return cookie + "; Secure" if self.secure_cookie else cookie


def _add_vary(headers: MutableHeaders, *names: str) -> None:
    present = [v.strip() for v in headers.get("vary", "").split(",") if v.strip()]
    lower = {v.lower() for v in present}
    if "*" in lower:
        return
    present += [n for n in names if n.lower() not in lower]
    headers["Vary"] = ", ".join(present)


def switch_links(path: str, query: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The language switch: for each language, this page's URL with ``?locale=`` set."""
    from urllib.parse import urlencode

    keep = [(k, v) for k, v in query if k != QUERY]
    here = current_locale()
    return [
        {
            "code": code,
            "name": NATIVE_NAMES[code],
            "url": path + "?" + urlencode([*keep, (QUERY, code)]),
            "current": code == here,
        }
        for code in SUPPORTED
    ]
