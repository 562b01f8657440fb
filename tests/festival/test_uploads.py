"""festival/uploads.py: the size limit holds while the body streams (reading stops at once),
the type comes from the bytes, file names are cleaned."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.requests import Request

from festival.uploads import UploadRefused, clean_file_name, read_upload

BOUNDARY = "xYzBoundary"
CHUNK = 16 * 1024


def _request(chunks: list[bytes], length: int | None, read: list[int]) -> Request:
    headers = [(b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode())]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    queue = list(chunks)

    async def receive() -> dict[str, Any]:
        body = queue.pop(0)
        read.append(len(body))
        return {"type": "http.request", "body": body, "more_body": bool(queue)}

    return Request(scope, receive)


def _body(file_bytes: bytes, name: str = "a.pdf") -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file_title"\r\n\r\nT\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + file_bytes
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def _chunks(body: bytes) -> list[bytes]:
    return [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)]


def test_read_upload_stops_reading_as_soon_as_the_file_passes_the_limit() -> None:
    limit = 4 * CHUNK
    body = _body(b"%PDF-1.4\n" + b"0" * (100 * CHUNK))
    read: list[int] = []

    with pytest.raises(UploadRefused) as refused:
        asyncio.run(read_upload(_request(_chunks(body), None, read), limit))

    assert (refused.value.code, refused.value.status_code) == ("file.too_large", 413)
    assert refused.value.fields == {"file_title": "T"}
    assert len(read) == 5  # the part past the limit, and not one chunk more
    assert sum(read) <= limit + CHUNK


def test_read_upload_refuses_a_declared_length_before_reading() -> None:
    read: list[int] = []

    with pytest.raises(UploadRefused) as refused:
        asyncio.run(read_upload(_request([b"x"], 10_000_000, read), 1024))

    assert (refused.value.code, read) == ("file.too_large", [])


def test_read_upload_takes_a_file_of_the_limit_and_sniffs_it() -> None:
    data = b"%PDF-1.4\n" + b"0" * (3 * CHUNK)
    read: list[int] = []

    upload = asyncio.run(
        read_upload(_request(_chunks(_body(data, "../../Guide é.pdf")), None, read), len(data))
    )

    assert upload.file is not None
    assert (upload.content_type, upload.size_bytes, upload.file_name) == (
        "application/pdf",
        len(data),
        "Guide é.pdf",
    )
    assert upload.file.read() == data
    upload.close()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("C:\\Users\\a\\plan.docx", "plan.docx"),
        ('x"; filename=evil.html', "x_ filename_evil.html"),
        ("line\r\nbreak.txt", "line_break.txt"),
        ("...", "file"),
    ],
)
def test_clean_file_name_keeps_a_safe_last_part(given: str, expected: str) -> None:
    assert clean_file_name(given) == expected
