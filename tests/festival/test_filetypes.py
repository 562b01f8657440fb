"""festival/filetypes.py: the type of a file from its bytes, never its name."""

from __future__ import annotations

import io
import zipfile

import pytest

from festival.filetypes import Refused, inline, sniff


def _ooxml(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(f"{part}/document.xml", "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (
            _ooxml("word"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            _ooxml("ppt"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("Bonjour, ça va ?\nLigne 2\n".encode(), "text/plain; charset=utf-8"),
    ],
)
def test_sniff_knows_allowed_types_by_their_bytes(head: bytes, expected: str) -> None:
    assert sniff(head) == expected


@pytest.mark.parametrize(
    ("head", "code"),
    [
        (b"<!doctype html><script>alert(1)</script>", "file.markup_refused"),
        (b"\n\n  <HTML><body onload=alert(1)>", "file.markup_refused"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "file.markup_refused"),
        (b"Notes\n<script>alert(1)</script>", "file.markup_refused"),
        (b"MZ\x90\x00\x03\x00" + b"\x00" * 100, "file.type_refused"),
        (b"PK\x03\x04" + b"\x00" * 40, "file.type_refused"),  # a zip, not an office document
        (b"\x00\x01\x02binary", "file.type_refused"),
        (b"", "file.empty"),
    ],
)
def test_sniff_refuses_markup_and_unknown_bytes(head: bytes, code: str) -> None:
    with pytest.raises(Refused) as refused:
        sniff(head)

    assert refused.value.code == code


def test_inline_only_for_images() -> None:
    assert [inline(t) for t in ("image/png", "application/pdf", "text/plain; charset=utf-8")] == [
        True,
        False,
        False,
    ]
