"""Organisers' toolkits: make, change, publish; add links and files; attach toolkits to their
sessions. Admins do all of it for every organisation, and feature toolkits.

Every action needs an organiser of the toolkit's (or session's) organisation, or an admin
(festival/auth); every form carries the CSRF token; a refused form writes nothing and comes back
with what was typed and the reason beside the field. A refused upload leaves nothing in the
media storage (festival/uploads.py).

* ``GET  /organiser/toolkits``                                your toolkits (admins: all)
* ``GET  /organiser/toolkits/new?organisation=``, ``POST /organiser/toolkits/new``
* ``GET  /organiser/toolkits/{slug}``, ``POST``                its page: fields and resources
* ``POST /organiser/toolkits/{slug}/status``                  publish, back to draft
* ``POST /organiser/toolkits/{slug}/links``                   add a link
* ``POST /organiser/toolkits/{slug}/files``                   upload a file
* ``POST /organiser/toolkits/{slug}/resources/{id}/remove``   remove a link or file
* ``POST /organiser/sessions/{uid}/toolkits``                 attach a toolkit to a session
* ``POST /organiser/sessions/{uid}/toolkits/{slug}/remove``   detach it
* ``POST /admin/toolkits/{slug}/feature``                     feature or not (admins)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth, labels, media
from festival import toolkits as rules
from festival.auth.account import Account
from festival.db import session_scope
from festival.errors import BadRequestError, NotFoundError
from festival.forms import Fields
from festival.i18n import gettext as _
from festival.i18n import lazy_gettext
from festival.models import FestivalSession, Organisation
from festival.models.toolkits import ResourceKind, Toolkit
from festival.state import state
from festival.stores import organisers as organisers_store
from festival.stores import programme as programme_store
from festival.stores import toolkits as store
from festival.templating import render
from festival.uploads import UploadRefused, read_upload
from scheduling import vocabulary

DONE = {
    "created": lazy_gettext(
        "The toolkit was saved as a draft: add its links and files, then publish it."
    ),
    "saved": lazy_gettext("Saved."),
    "published": lazy_gettext("Published: the toolkit is in the library."),
    "draft": lazy_gettext("The toolkit is a draft again: only your organisation sees it."),
    "link": lazy_gettext("The link was added."),
    "file": lazy_gettext("The file was added."),
    "removed": lazy_gettext("The resource was removed."),
    "featured": lazy_gettext("The toolkit is featured at the top of the library."),
    "unfeatured": lazy_gettext("The toolkit is no longer featured."),
}


def _page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    response = render(request, template, context, status_code=status_code)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _see(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _chosen(form: FormData | None) -> dict[str, list[str]]:
    if form is None:
        return {}
    return {
        name: [v for v in form.getlist(name) if isinstance(v, str)]
        for name in ("age_groups", "sdgs")
    }


def typed_of(toolkit: Toolkit) -> dict[str, Any]:
    """A toolkit's fields as its form shows them."""
    return {
        "title": toolkit.title,
        "summary": toolkit.summary,
        "languages": ", ".join(toolkit.languages),
        "topics": ", ".join(toolkit.topics),
        "licence": toolkit.licence,
        "age_groups": list(toolkit.age_groups),
        "sdgs": [str(n) for n in toolkit.sdgs],
    }


def _form_context(
    organisation: Organisation,
    typed: dict[str, Any],
    errors: dict[str, str],
    toolkit: Toolkit | None = None,
) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "typed": typed,
        "errors": errors,
        "toolkit": toolkit,
        "age_groups": vocabulary.AGE_GROUPS,
        "sdgs": [(n, labels.SDG_NAMES[n]) for n in vocabulary.SDGS],
        "licences": vocabulary.LICENCES,
    }


async def _managed(request: Request, db: AsyncSession, slug: str, lock: bool = False) -> Toolkit:
    """The toolkit, for its organisation's organisers and admins (others: 403)."""
    toolkit = await store.get_toolkit(db, slug, lock=lock)
    await auth.require_member(request, toolkit.organisation_id)
    return toolkit


# -- the list and a new toolkit ----------------------------------------------------------------


async def dashboard(request: Request) -> Response:
    account = await auth.require_account(request)
    async with state(request).sessions() as db:
        organisations = await organisers_store.organisations_of(db, account)
        entries = await store.entries(
            db,
            published_only=False,
            organisation_ids=None if account.is_admin else account.organisation_ids,
        )
    context = {
        "account": account,
        "organisations": [o for o in organisations if auth.is_member(account, o.id or 0)]
        or (organisations if account.is_admin else []),
        "entries": entries,
        "done": DONE.get(request.query_params.get("done", ""), ""),
    }
    return _page(request, "toolkits/organiser_index.html", context)


async def _organisation(db: AsyncSession, slug: str, account: Account) -> Organisation:
    if not slug:
        mine = await organisers_store.organisations_of(db, account)
        if len(mine) == 1:
            return mine[0]
        raise BadRequestError(
            _("Say which organisation the toolkit is for: start from your toolkits page."),
            "organisation.missing",
        )
    return await programme_store.get_organisation(db, slug)


async def new_form(request: Request) -> Response:
    account = await auth.require_account(request)
    async with state(request).sessions() as db:
        organisation = await _organisation(
            db, request.query_params.get("organisation", ""), account
        )
        await auth.require_member(request, organisation.id or 0)
    typed = {"licence": vocabulary.Licence.CC_BY.value, "age_groups": [], "sdgs": []}
    return _page(request, "toolkits/edit.html", _form_context(organisation, typed, {}))


async def new_submit(request: Request) -> Response:
    account = await auth.require_account(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    fields = Fields(form)
    app = state(request)
    async with session_scope(app.sessions) as db:
        organisation = await _organisation(db, fields.values.get("organisation", ""), account)
        await auth.require_member(request, organisation.id or 0)
        data = rules.read_form(fields, _chosen(form))
        if data is not None:
            toolkit = await store.create_toolkit(db, organisation, data, app.clock.now())
            return _see(f"/organiser/toolkits/{toolkit.slug}?done=created")
    typed = {**fields.values, **_chosen(form)}
    context = _form_context(organisation, typed, fields.errors)
    return _page(request, "toolkits/edit.html", context, status_code=400)


# -- one toolkit --------------------------------------------------------------------------------


async def _edit_page(
    request: Request,
    db: AsyncSession,
    toolkit: Toolkit,
    *,
    typed: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    organisation = await organisers_store.organisation_by_id(db, toolkit.organisation_id)
    entry = await store.entry(db, toolkit)
    context = _form_context(organisation, typed or typed_of(toolkit), errors or {}, toolkit)
    context["entry"] = entry
    context["done"] = DONE.get(request.query_params.get("done", ""), "")
    context["max_upload"] = state(request).settings.media_max_upload_bytes
    return _page(request, "toolkits/edit.html", context, status_code=status_code)


async def edit_form(request: Request) -> Response:
    await auth.require_account(request)
    async with state(request).sessions() as db:
        toolkit = await _managed(request, db, request.path_params["slug"])
        return await _edit_page(request, db, toolkit)


async def edit_submit(request: Request) -> Response:
    await auth.require_account(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    fields = Fields(form)
    app = state(request)
    async with session_scope(app.sessions) as db:
        toolkit = await _managed(request, db, request.path_params["slug"], lock=True)
        data = rules.read_form(fields, _chosen(form))
        if data is not None:
            await store.update_toolkit(db, toolkit, data, app.clock.now())
            return _see(f"/organiser/toolkits/{toolkit.slug}?done=saved")
        typed = {**fields.values, **_chosen(form)}
        return await _edit_page(
            request, db, toolkit, typed=typed, errors=fields.errors, status_code=400
        )


async def set_status(request: Request) -> Response:
    await auth.require_account(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    status = str(form.get("status", ""))
    if status not in vocabulary.TOOLKIT_STATUSES:
        raise BadRequestError(
            _("Choose publish or draft from the toolkit's page."), "request.invalid"
        )
    app = state(request)
    async with session_scope(app.sessions) as db:
        toolkit = await _managed(request, db, request.path_params["slug"], lock=True)
        if status == store.PUBLISHED:
            entry = await store.entry(db, toolkit)
            if not entry.resources:
                return await _edit_page(
                    request,
                    db,
                    toolkit,
                    errors={"status": _("Add a link or a file before publishing the toolkit.")},
                    status_code=400,
                )
        await store.set_status(db, toolkit, status, app.clock.now())
    return _see(f"/organiser/toolkits/{toolkit.slug}?done={status}")


async def add_link(request: Request) -> Response:
    await auth.require_account(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    fields = Fields(form)
    app = state(request)
    async with session_scope(app.sessions) as db:
        toolkit = await _managed(request, db, request.path_params["slug"], lock=True)
        link = rules.read_link(fields)
        if link is None:
            typed = {
                **typed_of(toolkit),
                "url": fields.values.get("url", ""),
                "link_title": fields.values.get("link_title", ""),
            }
            return await _edit_page(
                request, db, toolkit, typed=typed, errors=fields.errors, status_code=400
            )
        await store.add_link(db, toolkit, link[0], link[1], app.clock.now())
    return _see(f"/organiser/toolkits/{toolkit.slug}?done=link#resources")


async def add_file(request: Request) -> Response:
    """An upload: who may is checked before a byte of the body is read; the size while it
    streams; the type from its bytes; the CSRF token; then the file is stored and recorded
    (and removed again should the record fail)."""
    await auth.require_account(request)
    app = state(request)
    slug = request.path_params["slug"]
    async with app.sessions() as db:
        toolkit = await _managed(request, db, slug)
    try:
        upload = await read_upload(request, app.settings.media_max_upload_bytes)
    except UploadRefused as exc:
        if auth.CSRF_FIELD in exc.fields:  # read before the file: a foreign form is a 403
            await auth.verify_csrf(request, exc.fields)
        async with app.sessions() as db:
            toolkit = await _managed(request, db, slug)
            typed = {**typed_of(toolkit), "file_title": exc.fields.get("file_title", "")}
            return await _edit_page(
                request,
                db,
                toolkit,
                typed=typed,
                errors={"file": exc.message},
                status_code=exc.status_code,
            )
    try:
        await auth.verify_csrf(request, upload.fields)
        title = upload.fields.get("file_title", "").strip()[:200]
        async with app.sessions() as db:
            toolkit = await _managed(request, db, slug)
            if upload.file is None:
                typed = {**typed_of(toolkit), "file_title": title}
                return await _edit_page(
                    request,
                    db,
                    toolkit,
                    typed=typed,
                    errors={"file": _("Choose a file to upload.")},
                    status_code=400,
                )
        key = media.new_key()
        await app.media.put(key, upload.file)
        try:
            async with session_scope(app.sessions) as db:
                toolkit = await _managed(request, db, slug, lock=True)
                await store.add_file(
                    db,
                    toolkit,
                    title=title or upload.file_name,
                    storage_key=key,
                    content_type=upload.content_type,
                    size_bytes=upload.size_bytes,
                    file_name=upload.file_name,
                    now=app.clock.now(),
                )
        except BaseException:
            await app.media.delete(key)
            raise
    finally:
        upload.close()
    return _see(f"/organiser/toolkits/{slug}?done=file#resources")


async def remove_resource(request: Request) -> Response:
    await auth.require_account(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    app = state(request)
    try:
        resource_id = int(request.path_params["resource_id"])
    except ValueError:
        raise NotFoundError(_("This toolkit has no such resource."), "resource.not_found") from None
    async with session_scope(app.sessions) as db:
        toolkit = await _managed(request, db, request.path_params["slug"], lock=True)
        found = await store.get_resource(db, toolkit, resource_id)
        key = found.storage_key if found.kind == ResourceKind.FILE.value else ""
        await store.remove_resource(db, found)
    if key:
        await app.media.delete(key)  # after the commit: a failed commit keeps the file
    return _see(f"/organiser/toolkits/{toolkit.slug}?done=removed#resources")


async def feature(request: Request) -> Response:
    await auth.require_admin(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    featured = form.get("featured") == "1"
    app = state(request)
    async with session_scope(app.sessions) as db:
        toolkit = await store.get_toolkit(db, request.path_params["slug"], lock=True)
        if featured and toolkit.status != store.PUBLISHED:
            raise BadRequestError(
                _("Only a published toolkit can be featured."), "toolkit.not_published"
            )
        toolkit.featured = featured
        toolkit.updated_at_utc = app.clock.now()
    return _see(f"/organiser/toolkits?done={'featured' if featured else 'unfeatured'}")


# -- sessions' materials ------------------------------------------------------------------------


async def _session(request: Request, db: AsyncSession, uid: str) -> FestivalSession:
    row = (
        await db.execute(
            select(FestivalSession).where(col(FestivalSession.uid) == uid).with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(
            _("There is no session with id %(uid)s.", uid=repr(uid)), "session.not_found"
        )
    await auth.require_session_manager(request, row)
    return row


async def attach(request: Request) -> Response:
    """Make a toolkit material of a session: a published one, or a draft of its own
    organisation's (shown publicly once published)."""
    await auth.require_account(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    uid = request.path_params["uid"]
    app = state(request)
    async with session_scope(app.sessions) as db:
        session = await _session(request, db, uid)
        try:
            toolkit = await store.get_toolkit(db, str(form.get("toolkit", "")))
        except NotFoundError:
            raise BadRequestError(
                _("Choose a toolkit from the list."), "toolkit.not_found"
            ) from None
        if toolkit.status != store.PUBLISHED and toolkit.organisation_id != session.organisation_id:
            raise BadRequestError(_("Choose a toolkit from the list."), "toolkit.not_found")
        await store.attach(db, session.id or 0, toolkit.id or 0, app.clock.now())
    return _see(f"/organiser/sessions/{uid}?done=materials#materials")


async def detach(request: Request) -> Response:
    await auth.require_account(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    uid = request.path_params["uid"]
    app = state(request)
    async with session_scope(app.sessions) as db:
        session = await _session(request, db, uid)
        toolkit = await store.get_toolkit(db, request.path_params["slug"])
        await store.detach(db, session.id or 0, toolkit.id or 0)
    return _see(f"/organiser/sessions/{uid}?done=materials#materials")


routes: list[BaseRoute] = [
    Route("/organiser/toolkits", dashboard, name="organiser_toolkits"),
    Route("/organiser/toolkits/new", new_form, methods=["GET"], name="organiser_toolkit_new"),
    Route("/organiser/toolkits/new", new_submit, methods=["POST"], name="organiser_toolkit_create"),
    Route("/organiser/toolkits/{slug}", edit_form, methods=["GET"], name="organiser_toolkit"),
    Route(
        "/organiser/toolkits/{slug}", edit_submit, methods=["POST"], name="organiser_toolkit_save"
    ),
    Route("/organiser/toolkits/{slug}/status", set_status, methods=["POST"]),
    Route("/organiser/toolkits/{slug}/links", add_link, methods=["POST"]),
    Route("/organiser/toolkits/{slug}/files", add_file, methods=["POST"]),
    Route(
        "/organiser/toolkits/{slug}/resources/{resource_id}/remove",
        remove_resource,
        methods=["POST"],
    ),
    Route("/organiser/sessions/{uid}/toolkits", attach, methods=["POST"]),
    Route("/organiser/sessions/{uid}/toolkits/{slug}/remove", detach, methods=["POST"]),
    Route("/admin/toolkits/{slug}/feature", feature, methods=["POST"]),
]
