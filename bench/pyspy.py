"""Sample the real server's processes with py-spy (raw collapsed stacks) and summarise
where the time goes: by function, self and inclusive, as a share of all samples."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


class Recorder:
    def __init__(self, pid: int, out: Path, rate: int = 200) -> None:
        self.out = out
        self.process: subprocess.Popen[bytes] | None = None
        beside = Path(sys.executable).with_name("py-spy")
        binary = str(beside) if beside.exists() else shutil.which("py-spy")
        if binary is None:
            return
        out.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                binary,
                "record",
                "--pid",
                str(pid),
                "--subprocesses",
                "--format",
                "raw",
                "--rate",
                str(rate),
                "--nonblocking",
                "--output",
                str(out),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @property
    def available(self) -> bool:
        return self.process is not None

    def stop(self) -> dict[str, Any] | None:
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if not self.out.exists():
            return None
        return summarise(self.out)


def _label(frame: str) -> str:
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match.group("file")
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match.group('func')} ({path})"


def summarise(path: Path, top: int = 25) -> dict[str, Any]:
    self_counts: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_label(f) for f in stack.split(";")]
        # py-spy prefixes the process (and thread) as the first frames
        frames = [f for f in frames if not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        total += count
        self_counts[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count

    def share(counter: Counter[str], only_app: bool = False) -> list[dict[str, Any]]:
        rows = [
            {"function": name, "samples": n, "share": round(n / total, 4)}
            for name, n in counter.most_common()
            if not only_app or "(app/" in name
        ]
        return rows[:top]

    return {
        "file": str(path),
        "samples": total,
        "top_self": share(self_counts),
        "top_inclusive_app": share(inclusive, only_app=True),
        "top_inclusive_all": share(inclusive),
    }
