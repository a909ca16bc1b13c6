"""Every kind of audit entry the code writes can be asked for with `GET /v1/audit?kind=`
(the filter refuses unknown values, so a kind missing from the vocabulary would be
unfilterable)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from app.vocabularies import AuditKind

APP = Path(__file__).resolve().parents[2] / "app"
# kind="x" in an append/prepare call, a KIND = "x" constant, or a kind passed on by name.
PATTERNS = (
    re.compile(r'\bkind="([a-z]+(?:\.[a-z]+)?)"'),
    re.compile(r'^KIND = "([a-z]+(?:\.[a-z]+)?)"', re.M),
    re.compile(r'_(?:audit|finish)\([^)]*?"([a-z]+\.(?:create|update|delete|import))"', re.S),
)


def test_every_audit_kind_written_is_in_the_vocabulary() -> None:
    written: set[str] = set()
    for path in APP.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            written |= set(pattern.findall(text))
    assert {"screening", "decision", "case.create", "meeting.create"} <= written
    assert written <= set(get_args(AuditKind)), sorted(written - set(get_args(AuditKind)))
