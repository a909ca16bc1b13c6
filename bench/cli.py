"""`javskoll bench ...`: generate a synthetic registry, run the load benchmark, plot."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from bench import generator


@click.group("bench")
def bench_group() -> None:
    """Benchmarks: synthetic Sweden-scale registry and open-loop load (see BENCHMARKS.md)."""


@bench_group.command("generate")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option(
    "--scale", default="tiny", show_default=True, type=click.Choice(sorted(generator.SCALES))
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON Lines file (gzip when it ends in .gz); format in bench/generator/__init__.py",
)
@click.option(
    "--chunk-size",
    default=None,
    type=int,
    help="objects per import document (default: the scale's)",
)
def generate(seed: int, scale: str, out: Path, chunk_size: int | None) -> None:
    """Write a deterministic registry + cases: same seed, same bytes."""
    started = time.perf_counter()
    manifest = generator.write_file(seed, scale, out, chunk_size)
    click.echo(
        json.dumps(
            {
                "out": str(out),
                "seconds": round(time.perf_counter() - started, 2),
                "documents": manifest["documents"],
                "cases": manifest["cases"],
                "counts": manifest["counts"],
            },
            ensure_ascii=False,
        )
    )


@bench_group.command("run")
@click.option(
    "--database",
    "databases",
    default="postgresql",
    show_default=True,
    help="sqlite, postgresql, or both comma-separated",
)
@click.option(
    "--scale",
    "scales",
    default="small",
    show_default=True,
    help="one scale or several comma-separated (e.g. small,national)",
)
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--rates", default="50,100,200,300,400", show_default=True)
@click.option(
    "--duration",
    default=15.0,
    show_default=True,
    type=float,
    help="seconds per rate (bounded: rate x duration requests)",
)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--no-health", is_flag=True, help="skip the health reference load")
@click.option("--inline", is_flag=True, help="screen inline case documents, not stored cases")
@click.option(
    "--case-sample",
    default=0,
    show_default=True,
    type=int,
    help="screen an even sample of this many of the dataset's cases (0: all); with "
    "--limited each is first screened once to pick its key",
)
@click.option(
    "--limited",
    is_flag=True,
    help="screen with a screener key limited to each case's organisation (a kommun's case "
    "system), not with the unlimited bootstrap key",
)
@click.option("--label", default="", help="suffix for the result file name")
@click.option(
    "--py-spy",
    "pyspy",
    is_flag=True,
    help="sample the server with py-spy during the import and at --py-spy-rate",
)
@click.option("--py-spy-rate", "pyspy_rate", default=100.0, show_default=True, type=float)
@click.option("--chunk-size", default=None, type=int, help="objects per import document")
@click.option(
    "--source",
    default=None,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="serve the code of this checkout (e.g. `git worktree add /tmp/jk HEAD`)",
)
@click.option(
    "--out-dir",
    default="bench",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--servers", default=1, show_default=True, type=int, help="server processes on one database"
)
@click.option(
    "--concurrency", default=16, show_default=True, type=int, help="saturation phase clients"
)
@click.option(
    "--saturation-duration",
    "saturation_s",
    default=None,
    type=float,
    help="seconds per saturation measurement (default: --duration)",
)
def run(
    databases: str,
    scales: str,
    seed: int,
    rates: str,
    duration: float,
    workers: int,
    no_health: bool,
    inline: bool,
    limited: bool,
    case_sample: int,
    label: str,
    pyspy: bool,
    pyspy_rate: float,
    source: Path | None,
    chunk_size: int | None,
    out_dir: Path,
    servers: int,
    concurrency: int,
    saturation_s: float | None,
) -> None:
    """Start a real server per database and scale, import, load, report, plot.

    Every run also serves the reference endpoint (bench/reference_app.py) on the same
    database and reports screening throughput / reference throughput at saturation."""
    from bench import figures as plots
    from bench.runner import EndpointMissing, RunConfig, run_one, save

    rate_list = tuple(float(r) for r in rates.split(",") if r.strip())
    saved: list[Path] = []
    for database in [d.strip() for d in databases.split(",") if d.strip()]:
        for scale in [s.strip() for s in scales.split(",") if s.strip()]:
            cfg = RunConfig(
                database=database,
                scale=scale,
                seed=seed,
                rates=rate_list,
                duration_s=duration,
                workers=workers,
                data_dir=out_dir / "data",
                results_dir=out_dir / "results",
                health=not no_health,
                inline=inline,
                limited=limited,
                case_sample=case_sample,
                label=label,
                pyspy=pyspy,
                pyspy_rate=pyspy_rate,
                source=source,
                chunk_size=chunk_size,
                servers=servers,
                concurrency=concurrency,
                saturation_s=saturation_s,
            )
            try:
                results = run_one(cfg, log=lambda m: click.echo(m, err=True))
            except EndpointMissing as exc:
                click.echo(f"cannot run yet: {exc}", err=True)
                sys.exit(2)
            path = save(results, cfg.results_dir, label)
            saved.append(path)
            plot = plots.latency_vs_load(
                results,
                out_dir / "plots" / f"latency-vs-load-{database}-{scale}"
                f"{'-' + label if label else ''}.png",
            )
            click.echo(
                json.dumps(
                    {
                        "results": str(path),
                        "plot": str(plot),
                        "import_s": results["import"]["seconds"],
                        "max_rate_held": results["max_rate_held"],
                        "memory_peak_worker_mb": results["memory"]["peak_rss_mb_max_worker"],
                        **_ratio_summary(results.get("saturation")),
                    }
                )
            )
    if len(saved) > 1:
        plot_sizes(out_dir, rate_list[0], label)


@bench_group.command("plot")
@click.option(
    "--out-dir",
    default="bench",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--rate", default=100.0, show_default=True, type=float)
@click.option("--label", default="", help="size plot from the runs saved with this label")
def plot(out_dir: Path, rate: float, label: str) -> None:
    """Redraw every plot from bench/results/*.json."""
    from bench import figures as plots

    for path in sorted((out_dir / "results").glob("*.json")):
        results = json.loads(path.read_text(encoding="utf-8"))
        if _is_run(results):
            click.echo(
                plots.latency_vs_load(
                    results, out_dir / "plots" / f"latency-vs-load-{path.stem}.png"
                )
            )
    click.echo(plot_sizes(out_dir, rate, label))


def _ratio_summary(sat: dict[str, object] | None) -> dict[str, object]:
    if not sat:
        return {}
    return {
        "screening_per_s": sat["screening_throughput"],
        "reference_per_s": sat["reference_throughput"],
        "ratio_screening_to_reference": sat["ratio"],
        "ratio_target_met": sat["met"],
    }


def _is_run(results: object) -> bool:
    """A `bench run` result file (bench/results also holds other scripts' output)."""
    return (
        isinstance(results, dict)
        and "scale" in results
        and isinstance(results.get("screening"), list)
        and all(isinstance(r, dict) and "rate" in r for r in results["screening"])
    )


def plot_sizes(out_dir: Path, rate: float = 100.0, label: str = "") -> Path | None:
    """Latency against registry size from the runs `<database>-<scale>[-<label>].json`."""
    from bench import figures as plots

    files = []
    for path in sorted((out_dir / "results").glob("*.json")):
        parts = path.stem.split("-")
        if (label and len(parts) == 3 and parts[2] == label) or (not label and len(parts) == 2):
            files.append(path)
    name = f"latency-vs-registry-size{'-' + label if label else ''}.png"
    return plots.latency_vs_size(files, rate, out_dir / "plots" / name)
