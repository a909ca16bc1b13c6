"""Reading a dataset file back: all of it (`load`), line by line (`iter_lines`), or the
import documents as raw JSON text for the load harness (`read_raw_documents`)."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO


@dataclass
class Dataset:
    manifest: dict[str, Any]
    documents: list[dict[str, Any]]  # import documents in order
    cases: list[dict[str, Any]]  # lines: {"scenario", "case", "expect"?}


def _open(path: Path) -> TextIO:
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def iter_lines(path: Path) -> Iterator[dict[str, Any]]:
    with _open(path) as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def read_raw_documents(path: Path) -> Iterator[tuple[dict[str, Any], str]]:
    """Yield (line header without the document, document JSON text) for import lines,
    without re-serialising: the load harness posts the text as it is."""
    with _open(path) as handle:
        for line in handle:
            if not line.startswith('{"kind":"import"'):
                continue
            cut = line.index(',"document":')
            text = line[cut + len(',"document":') :].rstrip()[:-1]
            head = json.loads(line[:cut] + "}")
            yield head, text


def load(path: Path) -> Dataset:
    manifest: dict[str, Any] = {}
    documents: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    for obj in iter_lines(path):
        if "format" in obj:
            manifest = obj
        elif obj.get("kind") == "import":
            documents.append(obj["document"])
        elif obj.get("kind") == "case":
            cases.append(obj)
    return Dataset(manifest, documents, cases)
