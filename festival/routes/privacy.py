"""A signed-in person's own data: ``GET /account/data`` downloads it (JSON), ``/account/delete``
deletes the account (a confirmation form; festival/stores/privacy.py says what goes)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth
from festival.db import session_scope
from festival.errors import BadRequestError
from festival.i18n import gettext as _
from festival.routes.agenda import AGENDA_COOKIE
from festival.routes.oidc import page, text
from festival.state import state
from festival.stores import privacy

#: What the person types to confirm: deleting cannot be undone.
CONFIRM_WORD = "delete"


async def _own_account(request: Request) -> int:
    account = await auth.require_account(request)
    if account.id is None:
        raise BadRequestError(
            _("The ADMIN_PASSWORD sign-in has no account: create your admin account first."),
            "account.bootstrap",
        )
    return account.id


async def download(request: Request) -> Response:
    """Everything the site keeps about the signed-in account, as a JSON file."""
    account_id = await _own_account(request)
    async with state(request).sessions() as db:
        data = await privacy.export_account(db, account_id)
    data["exported_at_utc"] = state(request).clock.now().isoformat()
    return Response(
        orjson.dumps(data, option=orjson.OPT_INDENT_2),
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="festival-account.json"',
            "Cache-Control": "private, no-store",
            "Referrer-Policy": "no-referrer",
        },
    )


def _delete_page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    full = {"confirm_word": CONFIRM_WORD, "typed": "", "errors": {}, **context}
    return page(request, "auth/delete.html", full, status_code)


async def delete(request: Request) -> Response:
    """GET: what deleting does, and the form; POST: delete the account, sign out."""
    account_id = await _own_account(request)
    if request.method in ("GET", "HEAD"):
        return _delete_page(request, {})
    form = await request.form()
    await auth.verify_csrf(request, form)
    typed = text(form, "confirm").strip()
    if typed.casefold() != CONFIRM_WORD:
        errors = {
            "confirm": _(
                "Type the word %(word)s to confirm: nothing was deleted.", word=CONFIRM_WORD
            )
        }
        return _delete_page(request, {"typed": typed, "errors": errors}, 400)
    try:
        async with session_scope(state(request).sessions) as db:
            await privacy.delete_account(db, account_id)
    except privacy.LastAdminDeleteError as exc:
        return _delete_page(request, {"typed": typed, "errors": {"confirm": exc.message}}, 400)
    await auth.sign_out(request)
    response = RedirectResponse("/signin?done=deleted", status_code=303)
    response.delete_cookie(AGENDA_COOKIE, path="/")
    return response


routes: list[BaseRoute] = [
    Route("/account/data", download, methods=["GET"], name="account_data"),
    Route("/account/delete", delete, methods=["GET", "POST"], name="account_delete"),
]
