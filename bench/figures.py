"""PNG plots of benchmark results (matplotlib, Agg backend)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Issue 15's latency target (p99 at 100 screenings/s, national registry), drawn beside
# the harness's looser "held" threshold so that a plot is not read against the wrong one.
P99_TARGET_MS = 50.0


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def latency_vs_load(results: dict[str, Any], out: Path) -> Path:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 5))
    for key, style, label in (("screening", "-o", "screening"), ("health", "--s", "health")):
        rows = results.get(key) or []
        if not rows:
            continue
        rates = [r["rate"] for r in rows]
        for pct, alpha in (("p50_ms", 1.0), ("p95_ms", 0.7), ("p99_ms", 0.45)):
            values = [
                r["latency"][pct] if r["latency"][pct] is not None else float("nan") for r in rows
            ]
            ax.plot(rates, values, style, alpha=alpha, label=f"{label} {pct[:3]}")
    held = results.get("p99_limit_ms", 250)
    ax.axhline(
        held,
        color="red",
        linewidth=0.8,
        linestyle=":",
        label=f"rate held while p99 ≤ {held:g} ms (harness)",
    )
    ax.axhline(
        P99_TARGET_MS,
        color="black",
        linewidth=0.8,
        linestyle="--",
        label=f"issue 15 target: p99 ≤ {P99_TARGET_MS:g} ms",
    )
    ax.set_yscale("log")
    ax.set_xlabel("offered load (requests/s, open loop)")
    ax.set_ylabel("latency from scheduled send (ms, log)")
    counts = results.get("counts", {})
    ax.set_title(
        f"Jävskoll {results['database']}, {results['scale']} registry "
        f"({counts.get('persons', '?')} persons, {counts.get('interests', '?')} interests), "
        f"{results.get('workers')} workers",
        fontsize=9,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def latency_vs_size(result_files: list[Path], rate: float, out: Path) -> Path | None:
    plt = _pyplot()
    points: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for path in result_files:
        results = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(results, dict) or "counts" not in results:
            continue
        for row in results.get("screening", []):
            if not isinstance(row, dict):
                continue
            if row.get("rate") == rate and row["latency"]["p50_ms"] is not None:
                points.setdefault(results["database"], []).append(
                    (results["counts"]["persons"], row["latency"])
                )
    if not points:
        return None
    fig, ax = plt.subplots(figsize=(7, 5))
    for database, rows in sorted(points.items()):
        rows.sort(key=lambda r: r[0])
        xs = [r[0] for r in rows]
        for pct, style in (("p50_ms", "-o"), ("p95_ms", "--^"), ("p99_ms", ":s")):
            ax.plot(xs, [r[1][pct] for r in rows], style, label=f"{database} {pct[:3]}")
    ax.set_xscale("log")
    ax.set_xlabel("persons in the registry (log)")
    ax.set_ylabel(f"screening latency at {rate:g}/s (ms)")
    ax.set_title("Screening latency against registry size", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
