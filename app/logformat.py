"""Which log format to write: readable lines for a person at a terminal, JSON for machines.

`JAVSKOLL_LOG_FORMAT` chooses: `json`, `text`, or `auto` (the default: text when stderr is
a terminal, JSON when it is a pipe, a file or a log collector). The older
`JAVSKOLL_LOG_JSON=true|false` still forces one or the other when the format is `auto`.
Both formats pass through the same redaction (app.logging.redact) as the JSON lines.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

LogFormat = Literal["auto", "json", "text"]

# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(
    set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__)
    | {"message", "asctime", "request_id", "taskName"}
)


def wants_json(log_format: str, log_json: bool | None, stream: TextIO) -> bool:
    """JSON unless text was asked for, or nothing was and a person reads the stream."""
    if log_format == "json":
        return True
    if log_format == "text":
        return False
    if log_json is not None:
        return log_json
    isatty = getattr(stream, "isatty", None)
    return not (isatty is not None and isatty())


def _value(value: Any) -> str:
    text = str(value)
    return f'"{text}"' if (" " in text or not text) else text


class HumanFormatter(logging.Formatter):
    """`06:12:01 INFO  app.access  request method=GET path=/v1/health status=200 [id]`.

    The time is local to the reader's terminal clock but said in UTC, like the JSON lines;
    fields passed with `extra=` follow the message as key=value pairs.
    """

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        fields = " ".join(
            f"{k}={_value(v)}" for k, v in record.__dict__.items() if k not in _STANDARD
        )
        line = f"{when} {record.levelname:<7} {record.name}  {record.getMessage()}"
        if fields:
            line += f"  {fields}"
        request_id = getattr(record, "request_id", None)
        if request_id:
            line += f"  [{request_id}]"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line
