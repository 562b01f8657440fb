"""The admin's .ics import (upload -> preview -> confirm). The upload is stored as a pending
import; the preview is recomputed from it on every view and on confirmation, and the
confirmation saves every session or none. The sessions made are drafts, linked to their admin
preview (/admin/sessions/{uid}): the public pages and the API know nothing of drafts.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlmodel import col
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth, importer, sessions
from festival.db import session_scope
from festival.errors import NotFoundError
from festival.i18n import gettext as _
from festival.models import CalendarImport, Edition, Organisation
from festival.routes.admin import admin_only, page
from festival.scheduling_text import say
from festival.state import state
from festival.stores import programme as store
from festival.viewer import request_now
from scheduling.errors import SchedulingError
from scheduling.ics_import import (
    MAX_IMPORT_BYTES,
    IcsImportError,
    IcsTooLargeError,
    import_language,
)

#: Multipart overhead allowed on top of the file itself before the body is refused unread.
FORM_OVERHEAD_BYTES = 64 * 1024


async def _choices(request: Request) -> dict[str, Any]:
    async with state(request).sessions() as db:
        return {
            "editions": await store.list_editions(db),
            "organisations": await store.list_organisations(db),
            "max_mib": MAX_IMPORT_BYTES / 1_048_576,
        }


@admin_only
async def import_form(request: Request, account: auth.Account) -> Response:
    return page(request, "admin/import.html", await _choices(request))


async def _read_upload(request: Request) -> tuple[dict[str, str], str, bytes]:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_IMPORT_BYTES + FORM_OVERHEAD_BYTES:
        raise IcsTooLargeError(
            _(
                "The upload is %(size)s MiB; at most %(limit)s MiB can be imported at once. "
                "Split the file and try again.",
                size=format(int(length) / 1_048_576, ".1f"),
                limit=format(MAX_IMPORT_BYTES / 1_048_576, ".1f"),
            )
        )
    async with request.form(max_files=1, max_fields=10) as form:
        await auth.verify_csrf(request, form)
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise IcsImportError(_("Choose an .ics file to import."))
        data = await upload.read(MAX_IMPORT_BYTES + 1)
        return fields, upload.filename, data


@admin_only
async def upload(request: Request, account: auth.Account) -> Response:
    """Read the file, store it as a pending import, and show the preview (PRG)."""
    fields: dict[str, str] = {}
    try:
        fields, filename, data = await _read_upload(request)
        async with session_scope(state(request).sessions) as db:
            edition = await store.get_edition(db, fields.get("edition", ""))
            org = await store.get_organisation(db, fields.get("organisation", ""))
            language = import_language(fields.get("language") or "")
            # Refuses, with its reason, a file that cannot be imported at all.
            await importer.preview_import(db, data, edition, org, language)
            assert edition.id is not None and org.id is not None
            pending = CalendarImport(
                token=secrets.token_urlsafe(16),
                edition_id=edition.id,
                organisation_id=org.id,
                filename=filename[:255],
                language=language,
                content=data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"),
                created_at_utc=request_now(request),
            )
            db.add(pending)
            await db.flush()
            token = pending.token
    except (SchedulingError, NotFoundError) as exc:
        context = {
            **(await _choices(request)),
            "error": say(exc) if isinstance(exc, SchedulingError) else exc.message,
            "code": exc.code,
        }
        context["chosen"] = fields
        return page(request, "admin/import.html", context, status_code=400)
    return RedirectResponse(f"/admin/import/{token}", status_code=303)


async def _pending(db: Any, token: str) -> tuple[CalendarImport, Edition, Organisation]:
    result = await db.execute(select(CalendarImport).where(col(CalendarImport.token) == token))
    pending = result.scalar_one_or_none()
    if pending is None:
        raise HTTPException(404)
    edition = await db.get(Edition, pending.edition_id)
    org = await db.get(Organisation, pending.organisation_id)
    return pending, edition, org


async def _preview(
    request: Request,
    problems: dict[int, str] | None = None,
    chosen: dict[int, int] | None = None,
) -> Response:
    """The preview (before confirmation) or the list of sessions made (after); after a refused
    confirmation, the occurrences still to choose beside their events (status 400)."""
    async with state(request).sessions() as db:
        pending, edition, org = await _pending(db, request.path_params["token"])
        data = pending.content.encode("utf-8")
        preview = None
        created: list[tuple[str, str]] = []
        if pending.applied_at_utc is None:
            preview = await importer.preview_import(db, data, edition, org, pending.language)
        else:
            created = await importer.imported_sessions(db, data, edition, org, pending.language)
    context = {
        "pending": pending,
        "edition": edition,
        "organisation": org,
        "preview": preview,
        "created": created,
        "problems": problems or {},
        "chosen": chosen or {},
        "already": request.query_params.get("already") == "1"
        and pending.applied_at_utc is not None,
    }
    return page(request, "admin/preview.html", context, status_code=400 if problems else 200)


@admin_only
async def preview_page(request: Request, account: auth.Account) -> Response:
    return await _preview(request)


def _folds(form: Any) -> dict[int, int]:
    """The occurrences chosen on the preview: ``fold-<event index>`` = 0 or 1."""
    folds: dict[int, int] = {}
    for name, value in form.multi_items():
        index = name.removeprefix("fold-")
        if index != name and index.isdigit() and value in ("0", "1"):
            folds[int(index)] = int(value)
    return folds


@admin_only
async def confirm(request: Request, account: auth.Account) -> Response:
    """Save every previewed session as a draft, or nothing."""
    form = await request.form()
    await auth.verify_csrf(request, form)
    now = request_now(request)
    token = request.path_params["token"]
    folds = _folds(form)
    # Every start that happens twice needs its occurrence chosen: checked before anything is
    # claimed or written; the preview comes back with what is missing beside its event.
    async with state(request).sessions() as db:
        pending, edition, org = await _pending(db, token)
        if pending.applied_at_utc is None:
            checked = await importer.preview_import(
                db, pending.content.encode("utf-8"), edition, org, pending.language
            )
            problems = importer.check_choices(checked, folds)
            if problems:
                return await _preview(request, problems, folds)
    async with session_scope(state(request).sessions) as db:
        # Claimed first: of two confirmations at once, one imports and the other is told so.
        claimed = await importer.claim_import(db, token, now)
        pending, edition, org = await _pending(db, token)
        if not claimed:
            return RedirectResponse(f"/admin/import/{token}?already=1", status_code=303)
        preview = await importer.preview_import(
            db, pending.content.encode("utf-8"), edition, org, pending.language
        )
        created = await importer.apply_import(
            db, preview, now, actor=sessions.Actor.of(account), folds=folds
        )
        pending.created_count = len(created)
        db.add(pending)
    return RedirectResponse(f"/admin/import/{token}", status_code=303)


routes: list[BaseRoute] = [
    Route("/admin/import", import_form, methods=["GET"], name="admin_import"),
    Route("/admin/import", upload, methods=["POST"], name="admin_import_upload"),
    Route("/admin/import/{token}", preview_page, name="admin_import_preview"),
    Route("/admin/import/{token}/confirm", confirm, methods=["POST"], name="admin_import_confirm"),
]
