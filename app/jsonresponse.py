"""JSON answers encoded with orjson.

Answers with a `response_model` are serialised by Pydantic straight to bytes (FastAPI's
own fast path, kept: `create_app` sets this class as the *default* placeholder, which
FastAPI only uses where no model serialises the answer). Everything else (problem+json,
plain dict answers) is encoded here: compact, UTF-8, as Starlette's `JSONResponse` would
write it, several times faster.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse


class FastJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        # OPT_NON_STR_KEYS: integer keys become strings, as the json module writes them.
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
