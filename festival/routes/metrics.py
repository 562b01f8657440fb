"""``GET /metrics``: this worker's figures in the Prometheus text format.

With ``METRICS_TOKEN`` set, only a scraper that sends ``Authorization: Bearer <token>`` gets
them (Prometheus: ``authorization: {credentials: <token>}`` in the scrape config).
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival.errors import UnauthorizedError
from festival.metrics import CONTENT_TYPE
from festival.state import state


def _authorised(request: Request) -> bool:
    token = state(request).settings.metrics_token
    if token is None:
        return True
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # Compared in constant time: the answer must not say how much of a guess was right.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


async def metrics(request: Request) -> Response:
    if not _authorised(request):
        raise UnauthorizedError(
            "The metrics need a token: send Authorization: Bearer <METRICS_TOKEN>.",
            "metrics.unauthorized",
            challenge='Bearer realm="metrics"',
        )
    return Response(state(request).metrics.render(), media_type=CONTENT_TYPE)


routes: list[BaseRoute] = [Route("/metrics", metrics, name="metrics")]
