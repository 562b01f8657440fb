"""Which files may be uploaded, decided from their bytes (the ``filetype`` library's magic
numbers), never from their name or the type the browser claims.

Allowed: PDF, PNG, JPEG, GIF and WebP images, office documents (Word, Excel, PowerPoint and
OpenDocument) and plain UTF-8 text. Everything else is refused, and so is text that a browser
could take for markup (HTML, SVG, XML): served or not, it has no place in a toolkit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import filetype

from festival.i18n import gettext as _
from festival.i18n import lazy_gettext

#: What is sniffed (filetype reads at most this much).
SNIFF_BYTES = 8192

#: Sniffed MIME type -> (what people call it, whether a browser may show it inline).
ALLOWED: dict[str, tuple[str, bool]] = {
    "application/pdf": ("PDF", False),
    "image/png": ("PNG image", True),
    "image/jpeg": ("JPEG image", True),
    "image/gif": ("GIF image", True),
    "image/webp": ("WebP image", True),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("Word", False),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel", False),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "PowerPoint",
        False,
    ),
    "application/msword": ("Word (97–2003)", False),
    "application/vnd.ms-excel": ("Excel (97–2003)", False),
    "application/vnd.ms-powerpoint": ("PowerPoint (97–2003)", False),
    "application/vnd.oasis.opendocument.text": ("OpenDocument text", False),
    "application/vnd.oasis.opendocument.spreadsheet": ("OpenDocument spreadsheet", False),
    "application/vnd.oasis.opendocument.presentation": ("OpenDocument presentation", False),
    "text/plain; charset=utf-8": ("plain text", False),
}
#: What the refusal lists.
ALLOWED_TEXT = lazy_gettext("PDF, images (PNG, JPEG, GIF, WebP), office documents and plain text")

#: Markup a browser would render: refused even as "text" (WHATWG MIME sniffing §7.1 patterns).
_MARKUP = re.compile(
    rb"<\s*(!doctype|html|head|body|script|iframe|svg|xml|\?xml|a\s|img|div|table|style|"
    rb"object|embed|meta|link|title|br|p[\s>]|h1|font|b[\s>]|!--)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Refused(Exception):
    """An upload that is not taken, with the reason people read and a stable code."""

    message: str
    code: str


def sniff(head: bytes) -> str:
    """The allowed MIME type of a file starting with ``head``, or :class:`Refused`."""
    if not head:
        raise Refused(_("The file is empty."), "file.empty")
    found: str | None = filetype.guess_mime(head[:SNIFF_BYTES])
    if found is not None:
        if found in ALLOWED:
            return found
        raise Refused(
            _(
                "This file is %(type)s, which toolkits do not take: upload %(allowed)s.",
                type=found,
                allowed=ALLOWED_TEXT,
            ),
            "file.type_refused",
        )
    if _is_plain_text(head[:SNIFF_BYTES]):
        return "text/plain; charset=utf-8"
    raise Refused(
        _(
            "This file's type could not be recognised from its content: upload %(allowed)s.",
            allowed=ALLOWED_TEXT,
        ),
        "file.type_refused",
    )


def _is_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sniffed head may end inside a character: only a cut at the very end is fine.
        if exc.start < len(head) - 3:
            return False
        text = head[: exc.start].decode("utf-8")
    if _MARKUP.search(head) is not None:
        raise Refused(
            _(
                "This file holds web markup (HTML, SVG or XML), which could run script: "
                "upload %(allowed)s.",
                allowed=ALLOWED_TEXT,
            ),
            "file.markup_refused",
        )
    return all(c.isprintable() or c in "\t\r\n\f\ufeff" for c in text)


def inline(content_type: str) -> bool:
    """Whether a browser may show the file in the page (images) rather than download it."""
    return ALLOWED.get(content_type, ("", False))[1]


def type_name(content_type: str) -> str:
    return ALLOWED.get(content_type, (content_type, False))[0]
