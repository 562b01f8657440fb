"""``GET /metrics``: this worker's figures in the Prometheus text format."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival.metrics import CONTENT_TYPE, Metrics


async def metrics(request: Request) -> Response:
    registry: Metrics = request.app.state.metrics
    return Response(registry.render(), media_type=CONTENT_TYPE)


routes: list[BaseRoute] = [Route("/metrics", metrics, name="metrics")]
