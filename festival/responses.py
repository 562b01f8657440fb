"""The site's JSON response: UTF-8 via orjson, and a media type that says so (docs/api.md)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

JSON_TYPE = "application/json; charset=utf-8"


class JSONResponse(Response):
    """UTF-8 JSON; Starlette adds a charset to text/* types only, so it is named here."""

    media_type = JSON_TYPE

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
