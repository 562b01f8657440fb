"""Application errors and their one translation to HTTP (JSON for /api, HTML elsewhere).

FestivalError
 ├── NotFoundError        *.not_found    404
 ├── BadRequestError      request.invalid 400
 └── ForbiddenError       auth.forbidden 403

scheduling.errors.SchedulingError codes map to 400 (422 for form time errors is not used: a
wrong time is a bad request the user can fix, and the message says how).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from scheduling.errors import SchedulingError


class FestivalError(Exception):
    """Root of the application's errors; carries a stable code and an HTTP status."""

    status_code = 400
    code = "festival.error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFoundError(FestivalError):
    status_code = 404
    code = "not_found"


class BadRequestError(FestivalError):
    status_code = 400
    code = "request.invalid"


class ForbiddenError(FestivalError):
    status_code = 403
    code = "auth.forbidden"


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path.endswith((".json", ".ics", ".xml")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "error.html",
        {"status": status, "code": code, "message": message},
        status_code=status,
    )


async def festival_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FestivalError)
    return error_response(request, exc.status_code, exc.code, exc.message)


async def scheduling_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SchedulingError)
    return error_response(request, 400, exc.code, exc.message)


async def http_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method.not_allowed"}.get(exc.status_code, "http.error")
    message = exc.detail if isinstance(exc.detail, str) else "error"
    if exc.status_code == 404:
        message = "Nothing here. Check the address, or start from the festival home page."
    return error_response(request, exc.status_code, code, message)


async def server_error_handler(request: Request, exc: Exception) -> Response:
    return error_response(
        request, 500, "server.error", "Something went wrong on our side. It has been logged."
    )
