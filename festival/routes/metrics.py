"""``GET /metrics``: this worker's figures in the Prometheus text format."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival.metrics import CONTENT_TYPE
from festival.state import state


async def metrics(request: Request) -> Response:
    return Response(state(request).metrics.render(), media_type=CONTENT_TYPE)


routes: list[BaseRoute] = [Route("/metrics", metrics, name="metrics")]
