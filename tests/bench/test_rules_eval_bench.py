"""The rule-evaluation benchmark keeps working (no timing is asserted: see BENCHMARKS.md)."""

from __future__ import annotations

import runpy
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "rules_eval_bench.py"


def test_rules_benchmark_runs_and_evaluates_a_heavy_case() -> None:
    module = runpy.run_path(str(BENCH))
    result = module["measure"](iterations=5, warmup=1)
    assert result["findings"] >= 15  # every member is reached by some ground
    assert result["p50_ms"] > 0
