"""``GET /celebrations``: the year's other learning celebrations, upcoming first, each with its
dates, organisers, sessions and calendar feed (the edition's own: /editions/{slug}/calendar.ics);
past ones archived with their programme."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival import celebrations
from festival.state import state
from festival.stores import programme as store
from festival.templating import render
from festival.viewer import resolve_viewer
from scheduling.vocabulary import PUBLIC_STATUSES


async def celebrations_page(request: Request) -> Response:
    viewer = resolve_viewer(request, strict=False)
    async with state(request).sessions() as db:
        editions = await store.list_editions(db)
        slots = await store.list_slots(db, statuses=PUBLIC_STATUSES)
    found = celebrations.arrange(editions, slots, viewer.now)
    context = {"upcoming": found.upcoming, "past": found.past, "now": viewer.now}
    return render(request, "celebrations/index.html", context, viewer=viewer)


routes: list[BaseRoute] = [Route("/celebrations", celebrations_page, name="celebrations")]
