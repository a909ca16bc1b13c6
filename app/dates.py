"""`IsoDate`: a date given as exactly `YYYY-MM-DD`.

Pydantic's lax `date` also takes numbers and numeric strings as Unix timestamps
(`0` -> 1970-01-01), which the OpenAPI `format: date` promises not to; this type keeps
the schema and refuses anything but an ISO calendar date (a `date` object passes too).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("a date as YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_day)]
