"""French stays complete: no English sentence may reach a person without gettext.

An AST scan of festival/**/*.py finds string literals (and f-strings) given to the places whose
text people read, that are not inside ``_``/``gettext``/``ngettext``/``pgettext``/
``lazy_gettext``/``N_``:

- the message of an error (a call to a class named ``…Error`` or ``…Refused``: festival.errors
  and their subclasses, the upload and form refusals), ``HTTPException``'s detail;
- a form field's problem (``Fields.fail``/``choice``/``integer``/``date``/``clock`` messages,
  ``text(required=…, label=…)``);
- a mail's subject and body (``mail.Mail(subject=…, body=…)``).

Errors only operators or programmers read (configuration at startup, internal invariants) are
listed in ALLOWED_CLASSES / ALLOWED_SITES with the reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRAPPERS = {"_", "gettext", "ngettext", "pgettext", "npgettext", "lazy_gettext", "_l", "N_"}
#: Fields method -> index of its message argument.
FIELD_METHODS = {"fail": 1, "choice": 2, "integer": 3, "optional_integer": 3, "date": 1, "clock": 1}
#: Read by operators (startup, CLI, configuration) or programmers (broken invariants), in English
#: like the logs: never shown on a page.
ALLOWED_CLASSES = {
    "ValueError",
    "TypeError",
    "RuntimeError",
    "ConfigurationError",  # festival.cli: the command line
    "SettingsError",  # environment variables at startup
    "ProviderConfigError",  # OIDC_* variables at startup
    "TrustedProxiesError",  # TRUSTED_PROXIES at startup
    "NotMigratedError",  # the server refuses to start
    "MediaError",  # storage keys, never from a person
    "SeqConflictError",  # room event store invariant
    "ConnectionError",  # festival/transport.py: a closed socket, caught by the writer
}
#: (file, line text) of single calls allowed, each with why.
ALLOWED_SITES = {
    # a scraper's answer (Prometheus), never a person's
    ("festival/routes/metrics.py", "The metrics need a token"),
    # update_session(**changes) called by code with a field it does not have: a bug
    ("festival/sessions.py", "unknown session field"),
}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _has_words(text: str) -> bool:
    return sum(c.isalpha() for c in text) >= 2


def _bare_literals(node: ast.expr) -> list[ast.expr]:
    """Literals with words in ``node`` that no gettext call wraps (a dict: its values)."""
    found: list[ast.expr] = []

    def walk(n: ast.AST) -> None:
        if isinstance(n, ast.Call):
            return  # wrapped, or another call whose result is its own business
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            if _has_words(n.value):
                found.append(n)  # type: ignore[arg-type]
            return
        if isinstance(n, ast.JoinedStr):
            parts = [v.value for v in n.values if isinstance(v, ast.Constant)]
            if _has_words("".join(str(p) for p in parts)):
                found.append(n)
            return
        if isinstance(n, ast.Dict):
            for value in n.values:
                walk(value)
            return
        for child in ast.iter_child_nodes(n):
            walk(child)

    walk(node)
    return found


def _sink_arguments(call: ast.Call) -> list[ast.expr]:
    name = _name(call.func)
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    if name in ALLOWED_CLASSES:
        return []
    if name.endswith(("Error", "Refused")) or name == "HTTPException":
        return call.args[:1] + [keywords[k] for k in ("message", "detail") if k in keywords]
    if isinstance(call.func, ast.Attribute) and name in FIELD_METHODS:
        index = FIELD_METHODS[name]
        return call.args[index : index + 1] + [keywords[k] for k in ("message",) if k in keywords]
    if isinstance(call.func, ast.Attribute) and name == "text":
        return [keywords[k] for k in ("required", "label") if k in keywords]
    if name == "Mail":
        return [keywords[k] for k in ("subject", "body") if k in keywords]
    return []


def unwrapped(source: str, rel: str) -> list[str]:
    """``file:line: text`` of every user-facing literal of ``source`` not wrapped in gettext."""
    lines = source.splitlines()
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        for argument in _sink_arguments(node):
            for literal in _bare_literals(argument):
                line = lines[literal.lineno - 1]
                if any(rel == f and text in line for f, text in ALLOWED_SITES):
                    continue
                problems.append(f"{rel}:{literal.lineno}: {line.strip()}")
    return problems


def festival_modules() -> list[Path]:
    skipped = ("migrations", "demo")
    return [
        path
        for path in sorted((ROOT / "festival").rglob("*.py"))
        if not any(part in skipped for part in path.relative_to(ROOT).parts)
    ]


def test_every_user_facing_literal_is_wrapped_in_gettext() -> None:
    problems = [
        problem
        for path in festival_modules()
        for problem in unwrapped(path.read_text(), path.relative_to(ROOT).as_posix())
    ]
    assert problems == [], "wrap these in gettext (docs/translations.md):\n" + "\n".join(problems)


def test_the_scan_finds_each_kind_of_sink() -> None:
    source = """
raise BadRequestError("Give a date.")
raise EditionRefused({"slug": f"There is already an edition at /{slug}."})
fields.fail("name", "Choose a name.")
fields.choice("kind", KINDS, "Choose a kind.")
fields.text("name", required="Give a name.", label="The name")
mail.Mail(to=a, subject=f"Hello {name}", body="Welcome aboard")
raise HTTPException(404, detail="Not here")
"""
    found = unwrapped(source, "festival/example.py")
    assert [line.split(": ", 1)[0] for line in found] == [
        "festival/example.py:2",
        "festival/example.py:3",
        "festival/example.py:4",
        "festival/example.py:5",
        "festival/example.py:6",
        "festival/example.py:6",
        "festival/example.py:7",
        "festival/example.py:7",
        "festival/example.py:8",
    ]


def test_the_scan_accepts_wrapped_text_codes_and_allowed_errors() -> None:
    source = """
raise BadRequestError(_("Give a date."), "request.invalid")
raise EditionRefused({"slug": _("Taken: %(slug)s", slug=slug)})
fields.fail("name", ngettext("%(num)s day", "%(num)s days", n))
fields.text("name", required=lazy_gettext("Give a name."), label=_("The name"))
mail.Mail(to=a, subject=pgettext("mail", "Hello"), body=body)
raise SettingsError(f"PORT={port!r}: give a number")
raise BadRequestError(exc.message)
"""
    assert unwrapped(source, "festival/example.py") == []
