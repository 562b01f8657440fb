"""Application errors: a stable code and an HTTP status each (festival/routes/errors.py is
their one translation to HTTP: JSON for /api and feeds, the error page elsewhere).

FestivalError
 ├── NotFoundError        *.not_found    404
 ├── BadRequestError      request.invalid 400
 ├── UnauthorizedError    *.unauthorized 401 (with a WWW-Authenticate challenge)
 └── ForbiddenError       auth.forbidden 403
      └── SignInRequiredError  auth.signin_required 403 (a GET page: 303 to /signin)

scheduling.errors.SchedulingError codes map to 400 (422 for form time errors is not used: a
wrong time is a bad request the user can fix, and the message says how).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


class FestivalError(Exception):
    """Root of the application's errors; carries a stable code and an HTTP status."""

    status_code = 400
    code = "festival.error"
    #: Headers the HTTP answer carries besides the error itself.
    headers: Mapping[str, str] = MappingProxyType({})

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


class UnauthorizedError(FestivalError):
    """Credentials missing or wrong; ``challenge`` names the kind wanted (RFC 9110 §11.6.1)."""

    status_code = 401
    code = "auth.unauthorized"

    def __init__(self, message: str, code: str | None = None, challenge: str = "Bearer") -> None:
        super().__init__(message, code)
        self.headers = MappingProxyType({"WWW-Authenticate": challenge})


class ForbiddenError(FestivalError):
    status_code = 403
    code = "auth.forbidden"


class SignInRequiredError(ForbiddenError):
    """Nobody is signed in where an account is needed: pages asked for with GET redirect to
    the sign-in page (and back), everything else is a 403."""

    code = "auth.signin_required"
