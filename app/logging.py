"""Structured JSON logs with a request id on every line, scrubbed of personnummer and keys."""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter

from app.logformat import HumanFormatter
from app.security.text import redact_personnummer

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Last line of defence: whatever reaches a log line (an access-log path holding a ref, a
# traceback quoting input) is scrubbed of anything shaped like a personnummer in any
# spelling the service accepts (10 or 12 digits joined by spaces, colons, '-' or '+',
# also percent-encoded; organisationsnummer look alike and go too; app/security/text.py)
# and of bearer tokens and API keys.
_SECRETS = re.compile(r"(?i)(bearer\s+)\S+|\bjk_[A-Za-z0-9_-]{8,}")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    text = _SECRETS.sub(lambda m: (m.group(1) or "") + REDACTED, text)
    return redact_personnummer(text, REDACTED)


class RedactingJsonFormatter(JsonFormatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        # ISO 8601 in UTC with `T` and `.`: logging's default "2026-12-06 11:42:49,528"
        # reads as a personnummer (20261206-1142, Luhn-valid for some seconds) and the
        # redactor below would blank the time of one line in ten.
        when = datetime.fromtimestamp(record.created, UTC)
        return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingFormatter(HumanFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging(level: str = "INFO", json_output: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if json_output:
        handler.setFormatter(
            RedactingJsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(RedactingFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # Access lines are written by our own middleware (method, path, status, duration):
    # uvicorn's would print query strings, which may carry names.
    logging.getLogger("uvicorn.access").disabled = True
