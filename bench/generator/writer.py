"""The dataset file: the manifest line, then the import documents, then the case lines
(format in the package docstring, `bench/generator/__init__.py`)."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from bench.generator.build import generate
from bench.generator.scales import AS_OF, FORMAT
from bench.generator.state import Generator


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write(gen: Generator, out: TextIO, chunk_size: int | None = None) -> dict[str, Any]:
    documents = list(gen.documents(chunk_size))
    manifest = {
        "format": FORMAT,
        "seed": gen.seed,
        "scale": gen.scale.name,
        "scale_parameters": asdict(gen.scale),
        "as_of": AS_OF,
        "counts": gen.counts(),
        "documents": len(documents),
        "cases": len(gen.cases),
    }
    out.write(_dump(manifest) + "\n")
    for index, (section, document) in enumerate(documents):
        out.write(
            _dump({"kind": "import", "index": index, "section": section, "document": document})
            + "\n"
        )
    for index, line in enumerate(gen.cases):
        out.write(_dump({"kind": "case", "index": index, **line}) + "\n")
    return manifest


def write_file(seed: int, scale: str, path: Path, chunk_size: int | None = None) -> dict[str, Any]:
    gen = generate(seed, scale)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if path.name.endswith(".gz"):
        with (
            open(tmp, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
            io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as out,
        ):
            manifest = write(gen, out, chunk_size)
    else:
        with open(tmp, "w", encoding="utf-8", newline="\n") as out:
            manifest = write(gen, out, chunk_size)
    tmp.replace(path)
    return manifest
