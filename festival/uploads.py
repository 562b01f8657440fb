"""Reading a form with one file (multipart/form-data) under a size limit, while it streams.

The body is parsed as it arrives (python-multipart's streaming parser, as Starlette does), and
the upload is refused the moment the file passes ``limit_bytes``: nothing more is read and the
part already received is thrown away with its temporary file. A declared ``Content-Length``
over the limit is refused before a byte is read. The file's type is then sniffed from its
first bytes (festival/filetypes.py). Nothing reaches the media storage from here: the caller
copies the checked file in (festival/media.py) once everything else is checked too.
"""

from __future__ import annotations

import codecs
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from festival import filetypes
from festival.i18n import gettext as _

#: What the text fields of the form may add to the file (titles, the CSRF token).
FIELDS_BYTES = 64 * 1024
#: Kept in memory up to this, then in a temporary file (deleted when closed).
SPOOL_BYTES = 1024 * 1024


class UploadRefused(Exception):
    """An upload that is not taken: the reason, its code, the status, the fields read."""

    def __init__(
        self, message: str, code: str, status_code: int = 400, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status_code = status_code
        self.fields = fields or {}


@dataclass
class Upload:
    """The form's text fields and its file (``None`` when none was chosen)."""

    fields: dict[str, str] = field(default_factory=dict)
    file: IO[bytes] | None = None
    file_name: str = ""
    size_bytes: int = 0
    content_type: str = ""

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def megabytes(count: int) -> str:
    amount = format(count / (1024 * 1024), "g")
    return _("%(count)s MB", count=amount)


def too_large(limit_bytes: int, fields: dict[str, str] | None = None) -> UploadRefused:
    return UploadRefused(
        _(
            "The file is larger than %(size)s, the most a toolkit file may be: nothing was saved.",
            size=megabytes(limit_bytes),
        ),
        "file.too_large",
        413,
        fields,
    )


def clean_file_name(name: str) -> str:
    """A name to offer the browser: the last path part, letters, digits, ``.-_`` and spaces."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .")
    return name[:120] or "file"


class _Parser:
    """python-multipart's callbacks: text fields into a dict, the one file into a spool."""

    def __init__(self, limit_bytes: int, charset: str) -> None:
        self.limit_bytes = limit_bytes
        self.charset = charset
        self.upload = Upload()
        self.header_name = b""
        self.header_value = b""
        self.disposition = b""
        self.name = ""
        self.data = bytearray()
        self.in_file = False

    def on_part_begin(self) -> None:
        self.disposition, self.data, self.in_file = b"", bytearray(), False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name, self.header_value = b"", b""

    def on_headers_finished(self) -> None:
        _kind, options = parse_options_header(self.disposition)
        self.name = options.get(b"name", b"").decode(self.charset, "replace")
        if b"filename" in options:
            if self.upload.file is not None:
                raise UploadRefused(_("Upload one file at a time."), "file.too_many")
            self.in_file = True
            self.upload.file_name = options[b"filename"].decode(self.charset, "replace")
            # Small blocking writes of at most a network chunk: a spooled file in memory up to
            # SPOOL_BYTES, then on the temporary disk (never the media directory).
            self.upload.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.in_file:
            assert self.upload.file is not None
            self.upload.size_bytes += end - start
            if self.upload.size_bytes > self.limit_bytes:
                raise too_large(self.limit_bytes, self.upload.fields)
            self.upload.file.write(data[start:end])
        else:
            self.data.extend(data[start:end])
            if len(self.data) > FIELDS_BYTES:
                raise UploadRefused(_("A field of the form is too long."), "request.invalid")

    def on_part_end(self) -> None:
        if not self.in_file:
            self.upload.fields[self.name] = self.data.decode(self.charset, "replace").strip()


async def read_upload(request: Request, limit_bytes: int) -> Upload:
    """The form of ``request`` with its file checked (size while streaming, type from its
    bytes); :class:`UploadRefused` otherwise, with nothing kept."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRefused(_("Send the form as multipart/form-data."), "request.invalid")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit_bytes + FIELDS_BYTES:
        raise too_large(limit_bytes)
    charset = "utf-8"
    try:
        charset = codecs.lookup(params.get(b"charset", b"utf-8").decode("latin-1")).name
    except LookupError:
        pass
    parser = _Parser(limit_bytes, charset)
    callbacks = {
        "on_part_begin": parser.on_part_begin,
        "on_part_data": parser.on_part_data,
        "on_part_end": parser.on_part_end,
        "on_header_field": parser.on_header_field,
        "on_header_value": parser.on_header_value,
        "on_header_end": parser.on_header_end,
        "on_headers_finished": parser.on_headers_finished,
    }
    upload = parser.upload
    try:
        multipart = MultipartParser(params[b"boundary"], callbacks)  # type: ignore[arg-type]
        async for chunk in request.stream():
            multipart.write(chunk)
        multipart.finalize()
        if upload.file is not None and upload.size_bytes == 0 and not upload.file_name:
            upload.close()  # the browser's "no file chosen"
            upload.file = None
        if upload.file is not None:
            upload.file.seek(0)
            head = upload.file.read(filetypes.SNIFF_BYTES)
            upload.file.seek(0)
            upload.content_type = filetypes.sniff(head)
            upload.file_name = clean_file_name(upload.file_name)
    except filetypes.Refused as exc:
        upload.close()
        raise UploadRefused(exc.message, exc.code, 400, upload.fields) from None
    except UploadRefused:
        upload.close()
        raise
    except Exception as exc:  # a malformed body: python-multipart's own errors
        upload.close()
        raise UploadRefused(
            _("The form could not be read; try again."), "request.invalid", 400, upload.fields
        ) from exc
    return upload
