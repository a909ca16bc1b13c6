"""The reach read (`pg_loader.load_reach`) before/after the prepared statement (issue 15).

Read only: each round opens a read-only transaction and rolls it back. "before" runs the
constant statement as a plain statement (parsed and planned at every run, as before the
change); "after" runs the prepared one. Rounds of 10 alternate, in the same process on
the same connection settings. The ids are those of the national registry of
`javskoll_bench_meetings` (committee 2614 and its kommun 265; 40 people of its seats;
30 organisations); pass another database URL as the first argument and adjust the ids.

    .venv/bin/python bench/reach_prepared.py [database-url] [runs]
"""

from __future__ import annotations

import datetime
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from app.screening import pg_loader
from app.screening.pg_reach import REACH_SQL

URL = "postgresql+psycopg://postgres@127.0.0.1:5432/javskoll_bench_meetings"
PEOPLE = [
    *(34273, 34237, 34281, 34169, 34289, 34197, 34261, 34300, 34308, 34236),
    *(34178, 34303, 34187, 34214, 34176, 34175, 34266, 34211, 34200, 34222),
]
PARTICIPANTS = [
    *(34306, 34209, 34259, 34208, 34295, 34189, 34201, 34182, 34250, 34171),
    *(34304, 34311, 34285, 34235, 34198, 34239, 34293, 34232, 34291, 34199),
]
ORGANISATIONS = [
    *(94123, 71822, 61928, 46187, 52069, 98592, 55749, 29789, 836, 20635),
    *(3268, 37671, 90307, 40229, 61934, 38399, 86763, 66454, 8132, 36062),
    *(13314, 700, 34093, 78728, 66645, 59191, 25216, 12531, 38274, 53782),
]
SMALL: dict[str, Any] = {
    "case_committee": 2614,
    "committee_ids": [2614],
    "org_ids": [265],
    "party_org_ids": [435],
    "party_person_ids": [],
    "person_ids": [],
    "participant_ids": None,
    "op_ids": [],
    "earlier_committee_ids": [],
    "area": "fastighet",
    "as_of": datetime.date(2026, 12, 6),
}
BIG = SMALL | {"person_ids": PEOPLE, "participant_ids": PARTICIPANTS}
BIG["party_org_ids"] = ORGANISATIONS

_PLAIN = text(REACH_SQL)
_PREPARED = pg_loader._reach_document


def _plain(session: Session, values: Any) -> str:
    document: str = session.execute(_PLAIN, dict(values)).scalar_one()
    return document


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else URL
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    engine = create_engine(url, connect_args={"prepare_threshold": None}, pool_size=1)
    for label, case in (("default seats, 1 party", SMALL), ("40 people, 30 parties", BIG)):
        wall: dict[str, list[float]] = {"before": [], "after": []}
        cpu = {"before": 0.0, "after": 0.0}
        for _round in range(runs // 10):
            for mode in ("before", "after"):
                pg_loader._reach_document = _plain if mode == "before" else _PREPARED  # type: ignore[assignment]
                with Session(engine) as session:
                    session.connection(execution_options={"postgresql_readonly": True})
                    for _ in range(10):
                        c0, t0 = time.process_time(), time.perf_counter()
                        pg_loader.load_reach(session, **case)
                        wall[mode].append(time.perf_counter() - t0)
                        cpu[mode] += time.process_time() - c0
                    session.rollback()
        pg_loader._reach_document = _PREPARED
        before, after = (statistics.median(wall[m]) * 1000 for m in ("before", "after"))
        p90 = {m: sorted(wall[m])[int(0.9 * runs)] * 1000 for m in wall}
        print(
            f"{label}: median {before:.1f} -> {after:.1f} ms (x{before / after:.2f}); "
            f"p90 {p90['before']:.1f} -> {p90['after']:.1f} ms; client CPU per read "
            f"{cpu['before'] / runs * 1000:.1f} -> {cpu['after'] / runs * 1000:.1f} ms"
        )
    print("load average", Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    main()
