"""A real `javskoll serve` process on a free loopback port, against a fresh database,
with production settings; and a sampler of its process tree's memory (RSS)."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PG_SERVER_URL = os.environ.get(
    "JAVSKOLL_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fresh_database(kind: str, label: str = "bench", keep_as: str | None = None) -> Iterator[str]:
    """Yield the URL of a new, empty database; drop it afterwards, or keep it renamed to
    `keep_as` (PostgreSQL; replacing a database of that name) for later benchmarks."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="javskoll-bench-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database kind {kind!r}")
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(PG_SERVER_URL)
    admin = server.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    name = f"javskoll_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            if keep_as is not None:
                conn.execute(f'DROP DATABASE IF EXISTS "{keep_as}" WITH (FORCE)')
                conn.execute(f'ALTER DATABASE "{name}" RENAME TO "{keep_as}"')
            else:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class MemorySampler:
    """Samples RSS of a process and its descendants; keeps the peak per pid."""

    root_pid: int
    interval_s: float = 0.25
    peaks: dict[int, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.root_pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        for proc in procs:
            try:
                rss = proc.memory_info().rss
                if proc.pid not in self.names:
                    self.names[proc.pid] = " ".join(proc.cmdline()[:3])[:120]
            except psutil.Error:
                continue
            if rss > self.peaks.get(proc.pid, 0):
                self.peaks[proc.pid] = rss

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.sample()

    def start(self) -> None:
        self.sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def reset(self) -> None:
        self.peaks.clear()

    def report(self) -> dict[str, Any]:
        workers = {pid: rss for pid, rss in self.peaks.items() if pid != self.root_pid}
        if not workers:  # a single-process server: the root is the worker
            workers = dict(self.peaks)
        return {
            "peak_rss_mb_per_process": {
                str(pid): round(rss / 2**20, 1) for pid, rss in sorted(self.peaks.items())
            },
            "process_names": {str(pid): name for pid, name in sorted(self.names.items())},
            "supervisor_pid": self.root_pid,
            "peak_rss_mb_max_worker": round(max(workers.values()) / 2**20, 1) if workers else None,
        }


@dataclass
class Server:
    base_url: str
    api_key: str
    process: subprocess.Popen[bytes]
    database_url: str
    log_path: Path
    workers: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


def server_environment(
    database_url: str, api_key: str, extra: dict[str, str] | None = None
) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("JAVSKOLL_") and k != "DATABASE_URL"
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "JAVSKOLL_ENVIRONMENT": "production",
            "JAVSKOLL_HASH_SECRET": secrets.token_hex(32),
            "JAVSKOLL_PNR_SECRET": secrets.token_hex(32),
            "JAVSKOLL_BOOTSTRAP_KEY": api_key,
            "JAVSKOLL_LOG_LEVEL": "INFO",
        }
    )
    if extra:
        env.update(extra)
    return env


@contextmanager
def running_server(
    database_url: str,
    *,
    workers: int = 2,
    log_dir: Path | None = None,
    env_extra: dict[str, str] | None = None,
    start_timeout_s: float = 60.0,
    source: Path | None = None,
    api_key: str | None = None,
) -> Iterator[Server]:
    """Start `javskoll serve` (migrations, bootstrap key, uvicorn with `workers`). Two
    servers on one database share `api_key` and the secrets given in `env_extra`."""
    port = free_port()
    api_key = api_key or "jk_bench_" + secrets.token_urlsafe(32)
    log_dir = log_dir or Path(tempfile.gettempdir())
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"server-{port}.log"
    command = [
        sys.executable,
        "-c",
        "from app.cli import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    env = server_environment(database_url, api_key, env_extra)
    if source is not None:  # serve the code of another checkout (e.g. a git worktree)
        env["PYTHONPATH"] = str(source.resolve())
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
            command,
            env=env,
            cwd=str(source.resolve()) if source is not None else None,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", api_key, process, database_url, log_path, workers)
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {process.returncode}; see {log_path}:\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            try:
                if httpx.get(server.base_url + "/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"server did not answer within {start_timeout_s}s; see {log_path}"
                )
            time.sleep(0.2)
        if workers > 1:  # every worker should be up before measuring
            _wait_for_workers(process.pid, workers, deadline)
        yield server
    finally:
        _stop(process)


def _wait_for_workers(pid: int, workers: int, deadline: float) -> None:
    try:
        import psutil
    except ImportError:
        time.sleep(2)
        return
    while time.monotonic() < deadline:
        try:
            children = [
                c
                for c in psutil.Process(pid).children(recursive=True)
                if "multiprocessing.resource_tracker" not in " ".join(c.cmdline())
            ]
        except psutil.Error:
            return
        if len(children) >= workers:
            time.sleep(1.0)  # let them finish importing the app
            return
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # the group we started (start_new_session)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
