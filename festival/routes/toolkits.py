"""The toolkit library, for everyone: the library page, each toolkit's page, its resources
(files served inert, links followed; each use counted) and the JSON API.

* ``GET /toolkits``                          search, filters, sorting (festival/toolkits.py)
* ``GET /toolkits/{slug}``                   one toolkit, its resources, the sessions using it
* ``GET /toolkits/{slug}/resources/{id}``    a file (download; images inline) or a link (303)
* ``GET /api/toolkits``, ``/api/toolkits/{slug}``   the same as JSON (docs/api.md)

A draft toolkit is seen only by its organisation's organisers and the admins (anyone else:
404, as if it did not exist). Files carry ``Content-Disposition``, ``nosniff`` and a sandboxing
Content-Security-Policy, so that nothing uploaded can run script on the site.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from festival import auth, filetypes, labels, links
from festival import toolkits as rules
from festival.db import session_scope
from festival.errors import NotFoundError
from festival.i18n import english
from festival.i18n import gettext as _
from festival.media import MediaError
from festival.models.toolkits import ResourceKind, Toolkit, ToolkitResource
from festival.responses import JSONResponse
from festival.state import state
from festival.stores import toolkits as store
from festival.templating import render
from festival.times import iso_utc
from festival.viewer import resolve_viewer
from scheduling import vocabulary
from scheduling.slots import Slot

#: What a file resource may do in a browser: nothing (CSP 3 "sandbox": no script, no forms,
#: no plugins, a unique origin) — even a file that slipped past the sniffing stays inert.
FILE_CSP = "default-src 'none'; sandbox"


def query_lists(request: Request) -> dict[str, list[str]]:
    return {name: request.query_params.getlist(name) for name in request.query_params}


async def visible_toolkit(request: Request, db: AsyncSession, slug: str) -> Toolkit:
    """The toolkit, when the asker may see it (a draft: its organisers and admins only)."""
    toolkit = await store.get_toolkit(db, slug)
    if toolkit.status != store.PUBLISHED:
        account = await auth.current_account(request)
        if not auth.can_manage_organisation(account, toolkit.organisation_id):
            raise NotFoundError(
                _("There is no toolkit called %(slug)s.", slug=repr(slug)), "toolkit.not_found"
            )
    return toolkit


def _options(entries: list[rules.Entry]) -> dict[str, list[Any]]:
    """What the filter form offers: the languages and topics the library has, every age
    group and SDG."""
    return {
        "languages": sorted({code for e in entries for code in e.toolkit.languages}),
        "topics": sorted({topic for e in entries for topic in e.toolkit.topics}),
        "age_groups": list(vocabulary.AGE_GROUPS),
        "sdgs": list(vocabulary.SDGS),
    }


# -- pages --------------------------------------------------------------------------------------


async def library(request: Request) -> Response:
    filters = rules.parse_filters(query_lists(request))
    async with state(request).sessions() as db:
        entries = await store.entries(db)
    chosen = rules.choose(entries, filters)
    context = {
        "entries": chosen,
        "total": len(entries),
        "filters": filters,
        "options": _options(entries),
        "sorts": rules.SORTS,
    }
    return render(request, "toolkits/index.html", context)


async def toolkit_page(request: Request) -> Response:
    viewer = resolve_viewer(request, strict=False)
    async with state(request).sessions() as db:
        toolkit = await visible_toolkit(request, db, request.path_params["slug"])
        entry = await store.entry(db, toolkit)
        sessions = await store.sessions_using(db, toolkit.id or 0)
    context = {"entry": entry, "toolkit": toolkit, "sessions": sessions}
    response = render(request, "toolkits/detail.html", context, viewer=viewer)
    if toolkit.status != store.PUBLISHED:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def content_disposition(resource: ToolkitResource) -> str:
    """RFC 6266: ``attachment`` (``inline`` for images), the name as ASCII and as UTF-8
    (RFC 8187 ``filename*``)."""
    kind = "inline" if filetypes.inline(resource.content_type) else "attachment"
    name = resource.file_name or "file"
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace('"', "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


async def resource(request: Request) -> Response:
    """A resource used: counted (for "most used", a number and nothing about who; HEAD and
    drafts are not counted), then the file or the link."""
    app = state(request)
    async with session_scope(app.sessions) as db:
        toolkit = await visible_toolkit(request, db, request.path_params["slug"])
        try:
            resource_id = int(request.path_params["resource_id"])
        except ValueError:
            raise NotFoundError(
                _("This toolkit has no such resource."), "resource.not_found"
            ) from None
        found = await store.get_resource(db, toolkit, resource_id)
        if toolkit.status == store.PUBLISHED and request.method == "GET":
            await store.count_use(db, toolkit.id or 0)
    if found.kind == ResourceKind.LINK.value:
        target = links.safe_url(found.url)
        if not target:
            raise NotFoundError(_("This link cannot be followed."), "resource.not_found")
        return RedirectResponse(target, status_code=303)
    chunks = app.media.read(found.storage_key)
    try:
        first = await anext(chunks)
    except MediaError:
        raise NotFoundError(_("This file is missing."), "resource.not_found") from None
    except StopAsyncIteration:
        first = b""

    async def body() -> AsyncIterator[bytes]:
        yield first
        async for chunk in chunks:
            yield chunk

    headers = {
        "Content-Disposition": content_disposition(found),
        "Content-Length": str(found.size_bytes),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": FILE_CSP,
        "Cache-Control": "private, no-store"
        if toolkit.status != store.PUBLISHED
        else "public, max-age=300",
    }
    return StreamingResponse(body(), media_type=found.content_type, headers=headers)


# -- the JSON API -------------------------------------------------------------------------------


def _url(request: Request, path: str) -> str:
    return state(request).settings.site_url + path


def resource_json(request: Request, toolkit: Toolkit, r: ToolkitResource) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "title": r.title,
        "url": _url(request, f"/toolkits/{toolkit.slug}/resources/{r.id}"),
        "link": links.safe_url(r.url) if r.kind == ResourceKind.LINK.value else None,
        "content_type": r.content_type or None,
        "size_bytes": r.size_bytes if r.kind == ResourceKind.FILE.value else None,
        "file_name": r.file_name or None,
    }


def toolkit_json(request: Request, entry: rules.Entry) -> dict[str, Any]:
    t, org = entry.toolkit, entry.organisation
    return {
        "slug": t.slug,
        "title": t.title,
        "summary": t.summary,
        "languages": list(t.languages),
        "audiences": list(t.age_groups),
        "sdgs": list(t.sdgs),
        "topics": list(t.topics),
        "licence": {
            "code": t.licence,
            "name": english(labels.licence_label, t.licence),  # data: not the reader's language
            "url": labels.LICENCE_URLS.get(t.licence),
        },
        "featured": t.featured,
        "organisation": {
            "slug": org.slug,
            "name": org.name,
            "url": _url(request, f"/organisations/{org.slug}"),
        },
        "published_at_utc": iso_utc(t.published_at_utc) if t.published_at_utc else None,
        "updated_at_utc": iso_utc(t.updated_at_utc),
        "downloads": t.download_count,
        "session_count": entry.session_count,
        "resources": [resource_json(request, t, r) for r in entry.resources],
        "url": _url(request, f"/toolkits/{t.slug}"),
        "api_url": _url(request, f"/api/toolkits/{t.slug}"),
    }


def session_brief(request: Request, slot: Slot) -> dict[str, Any]:
    return {
        "uid": slot.uid,
        "title": slot.title,
        "edition": slot.edition_slug,
        "starts_at_utc": iso_utc(slot.starts_at_utc),
        "url": _url(request, f"/sessions/{slot.uid}"),
    }


async def api_list(request: Request) -> Response:
    filters = rules.parse_filters(query_lists(request))
    async with state(request).sessions() as db:
        entries = await store.entries(db)
    chosen = rules.choose(entries, filters)
    grouped: dict[str, list[str]] = {}
    for name, value in filters.to_query():
        grouped.setdefault(name, []).append(value)
    return JSONResponse(
        {
            "filters": grouped,
            "count": len(chosen),
            "toolkits": [toolkit_json(request, e) for e in chosen],
        }
    )


async def api_detail(request: Request) -> Response:
    async with state(request).sessions() as db:
        toolkit = await store.get_toolkit(db, request.path_params["slug"])
        if toolkit.status != store.PUBLISHED:  # the API is public: drafts do not exist here
            raise NotFoundError(
                _("There is no toolkit called %(slug)s.", slug=repr(toolkit.slug)),
                "toolkit.not_found",
            )
        entry = await store.entry(db, toolkit)
        sessions = await store.sessions_using(db, toolkit.id or 0)
    body = toolkit_json(request, entry)
    body["sessions"] = [session_brief(request, s) for s in sessions]
    return JSONResponse(body)


routes: list[BaseRoute] = [
    Route("/api/toolkits", api_list, name="api_toolkits"),
    Route("/api/toolkits/{slug}", api_detail, name="api_toolkit"),
    Route("/toolkits", library, name="toolkits"),
    Route("/toolkits/{slug}", toolkit_page, name="toolkit"),
    Route("/toolkits/{slug}/resources/{resource_id}", resource, name="toolkit_resource"),
]
