"""The one translation of errors to HTTP: JSON ``{"error": {"code", "message"}}`` for the API and
the feeds, the error page elsewhere. ``handlers`` is what ``create_app`` installs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match, Route

from festival.auth.guards import SIGNIN_PATH
from festival.errors import FestivalError, SignInRequiredError
from festival.i18n import gettext as _
from festival.responses import JSONResponse
from festival.scheduling_text import say
from festival.templating import render
from scheduling.errors import SchedulingError


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path.endswith((".json", ".ics", ".xml")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    if wants_json(request):
        response: Response = JSONResponse(
            {"error": {"code": code, "message": message}}, status_code=status
        )
    else:
        # An error page belongs to no section of the site: no navigation entry is current.
        context = {"status": status, "code": code, "message": message, "path": ""}
        response = render(request, "error.html", context, status_code=status)
    response.headers.update(headers or {})
    return response


async def festival_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FestivalError)
    if (
        isinstance(exc, SignInRequiredError)
        and request.method in ("GET", "HEAD")
        and not wants_json(request)
    ):
        # A page for signed-in people: sign in, then come back here.
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{SIGNIN_PATH}?next={quote(back, safe='/')}", status_code=303)
    return error_response(request, exc.status_code, exc.code, exc.message, exc.headers)


async def scheduling_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SchedulingError)
    return error_response(request, 400, exc.code, say(exc))


def allowed_methods(request: Request) -> set[str]:
    """Every method a route of the app takes at this path.

    Starlette's own 405 names the methods of the first route that matched the path only, and
    some paths have a route per method (the import form and its upload).
    """
    methods: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, Route) and route.methods:
            if route.matches(request.scope)[0] != Match.NONE:
                methods |= route.methods
    return methods


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method.not_allowed"}.get(exc.status_code, "http.error")
    message = exc.detail if isinstance(exc.detail, str) else "error"
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        message = _("Nothing here. Check the address, or start from the festival home page.")
    if exc.status_code == 405:
        # RFC 9110 §15.5.6: a 405 says which methods are allowed. (Inside a mount, such as the
        # static files, the routes above do not see the path; its own Allow stands.)
        methods = allowed_methods(request)
        if methods:
            headers["Allow"] = ", ".join(sorted(methods))
    return error_response(request, exc.status_code, code, message, headers)


async def server_error(request: Request, exc: Exception) -> Response:
    return error_response(
        request, 500, "server.error", _("Something went wrong on our side. It has been logged.")
    )


Handler = Callable[[Request, Exception], Awaitable[Response]]

handlers: Mapping[type[Exception], Handler] = {
    FestivalError: festival_error,
    SchedulingError: scheduling_error,
    HTTPException: http_error,
    Exception: server_error,
}
