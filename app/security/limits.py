"""Rate limits shared by every worker process and every server on one database.

A limiter allows a subject (a key's hash, a client address) at most `limit` events per
window. The count is a row of `rate_limit_windows` per (kind, subject), so two uvicorn
workers, or two servers behind a load balancer, spend one budget: counted in each
process, N processes would allow N times the limit.

The window is fixed and opens at the subject's first event (not at a multiple of the
clock): it lasts `window` seconds, and the first event after it opens the next one. So a
subject gets at most `limit` events in a window, and at most `2 * limit - 1` in any
`window` seconds that straddle two windows (a sliding window would allow `limit`; the
difference is the price of one row per subject and one atomic upsert per event).

The hot path only reads: checking a subject is one primary-key lookup; only an event (a
refusal, a wrong key, a party given by personnummer) writes, with one
`INSERT ... ON CONFLICT DO UPDATE` that counts and restarts an expired window in one
statement, atomic on PostgreSQL and SQLite alike. Expired windows of the limiter's kind
are deleted at most once per window per process, in the transaction of an event.
"""

from __future__ import annotations

import math
import time
from typing import Any, cast

from sqlalchemy import Table, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import RateLimitWindow

MAX_SUBJECT = 128
_T = cast(Table, RateLimitWindow.__table__)


class SharedWindow:
    """At most `limit` events per `window` seconds per subject, counted in the database."""

    def __init__(self, kind: str, limit: int, window: float) -> None:
        self.kind = kind
        self.limit = limit
        self.window = max(1, math.ceil(window))
        self._next_prune = 0.0

    def retry_after(
        self, session: Session, subject: str, now: float | None = None, *, wanted: int = 1
    ) -> int | None:
        """Seconds until `subject` may spend `wanted` more events, or None if it may now."""
        now = time.time() if now is None else now
        row = self._row(session, subject)
        if row is None:
            return None
        window_start, events = row
        if events + wanted <= self.limit:
            return None
        ends = window_start + self.window
        if ends <= now:
            return None
        return max(1, int(math.ceil(ends - now)))

    def remaining(self, session: Session, subject: str, now: float | None = None) -> int:
        """How many events `subject` may have before it reaches the limit (0 when over)."""
        now = time.time() if now is None else now
        row = self._row(session, subject)
        if row is None or row[0] + self.window <= now:
            return self.limit
        return max(0, self.limit - row[1])

    def _row(self, session: Session, subject: str) -> tuple[int, int] | None:
        """(window start, events) of `subject`, or None."""
        row = session.execute(
            select(_T.c.window_start, _T.c.count).where(
                _T.c.kind == self.kind, _T.c.subject == subject[:MAX_SUBJECT]
            )
        ).first()
        # (int(row[1]): a Row's .count is tuple.count)
        return None if row is None else (int(row[0]), int(row[1]))

    def hit(self, session: Session, subject: str, count: int = 1, now: float | None = None) -> None:
        """Count `count` events of `subject` in the session's transaction (caller commits)."""
        now = time.time() if now is None else now
        start = int(now)
        insert: Any = (
            postgresql.insert(_T)
            if session.get_bind().dialect.name == "postgresql"
            else sqlite.insert(_T)
        )
        statement = insert.values(
            kind=self.kind, subject=subject[:MAX_SUBJECT], window_start=start, count=count
        )
        expired = _T.c.window_start <= start - self.window
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[_T.c.kind, _T.c.subject],
                set_={
                    "count": case(
                        (expired, statement.excluded.count),
                        else_=_T.c.count + statement.excluded.count,
                    ),
                    "window_start": case(
                        (expired, statement.excluded.window_start), else_=_T.c.window_start
                    ),
                },
            )
        )
        if now >= self._next_prune:
            self._next_prune = now + self.window
            session.execute(
                delete(_T).where(_T.c.kind == self.kind, _T.c.window_start <= start - self.window)
            )
