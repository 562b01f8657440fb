"""Liveness and readiness probes."""

from __future__ import annotations

from sqlalchemy import text
from starlette.requests import Request
from starlette.routing import Route

from festival import migrate
from festival.responses import JSONResponse
from festival.state import state
from scheduling import tz


def _broker_reason(error: str | None) -> str:
    """The kind of failure; its text (it names Redis's host and port) goes to the log only."""
    if error is None:
        return "not connected"
    kind, separator, _text = error.partition(": ")
    return f"{kind}: the server log says why" if separator else error


async def healthz(request: Request) -> JSONResponse:
    """The process is up, and which tz database decides its times (the same on every worker)."""
    return JSONResponse({"status": "ok", "tzdata": tz.TZDATA_VERSION})


async def readyz(request: Request) -> JSONResponse:
    """The database answers and is migrated; the broker (Redis, when used) is connected."""
    app = state(request)
    checks: dict[str, str] = {}
    ready = True
    now = app.clock.now()
    try:
        async with app.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        await migrate.ensure_migrated(app.engine)
        checks["database"] = "ok"
        app.probe_log.passed("database", now)
    except migrate.NotMigratedError as exc:
        # Our own message, written for the operator: it names the revisions and the fix.
        checks["database"] = f"error: {type(exc).__name__}: {exc}"
        ready = False
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        # A driver's text can name hosts, users and paths: the log has it, the answer does not.
        app.probe_log.failed(
            "database", now, "readyz: the database is not ready: %s: %s", type(exc).__name__, exc
        )
        checks["database"] = "error: the database does not answer (the server log says why)"
        ready = False
    status = app.broker.status
    if status.connected:
        checks["broker"] = "ok"
        app.probe_log.passed("broker", now)
    else:
        # Redis is unreachable: the rooms are read-only, so keep this worker out of rotation.
        app.probe_log.failed(
            "broker", now, "readyz: the broker is %s: %s", status.state.value, status.error
        )
        checks["broker"] = f"{status.state.value}: {_broker_reason(status.error)}"
        ready = False
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )


routes = [Route("/healthz", healthz), Route("/readyz", readyz)]
