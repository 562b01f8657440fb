"""Admin pages for organisations: the list, a new organisation, changing one (name, home zone,
country, kind); the rules are festival/organisations.py."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival import auth, labels, organisations
from festival.db import session_scope
from festival.forms import Fields
from festival.models import Organisation
from festival.routes.admin import admin_form, admin_only, back_to, page
from festival.state import state
from festival.stores import programme as store


def _form_of(org: Organisation) -> dict[str, str]:
    return {
        "name": org.name,
        "kind": org.kind,
        "country": org.country,
        "tz_name": org.tz_name,
        "website": org.website,
        "description": org.description,
        "trusted": "1" if org.trusted else "",
    }


def _form_page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    full = {
        "kinds": [(kind, labels.organisation_kind_label(kind)) for kind in organisations.KINDS],
        "countries": organisations.countries(),
        "organisation": None,
        **context,
    }
    return page(request, "admin/organisation_form.html", full, status_code)


@admin_only
async def list_page(request: Request, account: auth.Account) -> Response:
    async with state(request).sessions() as db:
        rows = await store.list_organisations(db)
    context = {"organisations": rows, "saved": request.query_params.get("saved", "")}
    return page(request, "admin/organisations.html", context)


@admin_only
async def new_form(request: Request, account: auth.Account) -> Response:
    return _form_page(request, {"form": {"kind": "other"}})


def _refused(request: Request, fields: Fields, org: Organisation | None) -> Response:
    context = {"form": fields.values, "errors": fields.errors, "organisation": org}
    return _form_page(request, context, 400)


@admin_only
async def create(request: Request, account: auth.Account) -> Response:
    fields = await admin_form(request)
    data = organisations.read_form(fields)
    if data is None:
        return _refused(request, fields, None)
    try:
        async with session_scope(state(request).sessions) as db:
            row = await organisations.create_organisation(db, data, state(request).clock.now())
            slug = row.slug
    except organisations.OrganisationRefused as exc:
        fields.errors.update(exc.errors)
        return _refused(request, fields, None)
    return back_to(f"/admin/organisations?saved={slug}")


@admin_only
async def edit_form(request: Request, account: auth.Account) -> Response:
    async with state(request).sessions() as db:
        org = await store.get_organisation(db, request.path_params["slug"])
    return _form_page(request, {"form": _form_of(org), "organisation": org})


@admin_only
async def update(request: Request, account: auth.Account) -> Response:
    fields = await admin_form(request)
    slug = request.path_params["slug"]
    async with state(request).sessions() as db:
        org = await store.get_organisation(db, slug)
    data = organisations.read_form(fields)
    if data is None:
        return _refused(request, fields, org)
    async with session_scope(state(request).sessions) as db:
        row = await store.get_organisation(db, slug)
        await organisations.update_organisation(db, row, data)
    return back_to(f"/admin/organisations?saved={slug}")


routes: list[BaseRoute] = [
    Route("/admin/organisations", list_page, methods=["GET"], name="admin_organisations"),
    Route("/admin/organisations", create, methods=["POST"], name="admin_organisation_create"),
    Route("/admin/organisations/new", new_form, methods=["GET"], name="admin_organisation_new"),
    Route("/admin/organisations/{slug}", edit_form, methods=["GET"], name="admin_organisation"),
    Route(
        "/admin/organisations/{slug}", update, methods=["POST"], name="admin_organisation_update"
    ),
]
