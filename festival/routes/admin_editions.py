"""Admin pages for festival editions: the list, a new edition, changing one (its dates, name,
kind); the rules are festival/editions.py."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival import auth, editions, labels
from festival.db import session_scope
from festival.forms import Fields
from festival.models import Edition
from festival.routes.admin import admin_form, admin_only, back_to, page
from festival.state import state
from festival.stores import programme as store
from scheduling import window


def _form_of(edition: Edition) -> dict[str, str]:
    return {
        "slug": edition.slug,
        "name": edition.name,
        "kind": edition.kind,
        "first_day": edition.first_day.isoformat(),
        "last_day": edition.last_day.isoformat(),
        "description": edition.description,
    }


def _window_of(edition: Edition) -> window.Window:
    return window.window_for_dates([edition.first_day, edition.last_day])


@admin_only
async def list_page(request: Request, account: auth.Account) -> Response:
    async with state(request).sessions() as db:
        rows = await store.list_editions(db)
    listed = [(edition, _window_of(edition)) for edition in rows]
    context = {"editions": listed, "saved": request.query_params.get("saved", "")}
    return page(request, "admin/editions.html", context)


def _form_page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    kinds = [(kind, labels.edition_kind_label(kind)) for kind in editions.KINDS]
    full = {"kinds": kinds, "edition": None, "window": None, **context}
    return page(request, "admin/edition_form.html", full, status_code)


@admin_only
async def new_form(request: Request, account: auth.Account) -> Response:
    return _form_page(request, {"form": {"kind": "flagship"}})


@admin_only
async def create(request: Request, account: auth.Account) -> Response:
    fields = await admin_form(request)
    data = editions.read_form(fields, creating=True)
    if data is None:
        return _refused(request, fields, None)
    try:
        async with session_scope(state(request).sessions) as db:
            await editions.create_edition(db, data, state(request).clock.now())
    except editions.EditionRefused as exc:
        fields.errors.update(exc.errors)
        return _refused(request, fields, None)
    return back_to(f"/admin/editions?saved={data.slug}")


def _refused(request: Request, fields: Fields, edition: Edition | None) -> Response:
    context: dict[str, Any] = {"form": fields.values, "errors": fields.errors, "edition": edition}
    if edition is not None:
        context["window"] = _window_of(edition)
    return _form_page(request, context, 400)


@admin_only
async def edit_form(request: Request, account: auth.Account) -> Response:
    async with state(request).sessions() as db:
        edition = await store.get_edition(db, request.path_params["slug"])
    context = {"form": _form_of(edition), "edition": edition, "window": _window_of(edition)}
    return _form_page(request, context)


@admin_only
async def update(request: Request, account: auth.Account) -> Response:
    fields = await admin_form(request)
    slug = request.path_params["slug"]
    async with state(request).sessions() as db:
        edition = await store.get_edition(db, slug)
    fields.values["slug"] = slug  # chosen once, at creation
    data = editions.read_form(fields, creating=False)
    if data is None:
        return _refused(request, fields, edition)
    try:
        async with session_scope(state(request).sessions) as db:
            row = await store.get_edition(db, slug)
            await editions.update_edition(db, row, data, state(request).clock.now())
    except editions.EditionRefused as exc:
        fields.errors.update(exc.errors)
        return _refused(request, fields, edition)
    return back_to(f"/admin/editions?saved={slug}")


routes: list[BaseRoute] = [
    Route("/admin/editions", list_page, methods=["GET"], name="admin_editions"),
    Route("/admin/editions", create, methods=["POST"], name="admin_edition_create"),
    Route("/admin/editions/new", new_form, methods=["GET"], name="admin_edition_new"),
    Route("/admin/editions/{slug}", edit_form, methods=["GET"], name="admin_edition"),
    Route("/admin/editions/{slug}", update, methods=["POST"], name="admin_edition_update"),
]
