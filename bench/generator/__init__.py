"""A deterministic generator of a Sweden-scale synthetic registry and of screening cases.

Same seed and scale give byte-identical output: every random choice comes from one
`random.Random(seed)` drawn in a fixed order, nothing iterates a set or a dict whose order
depends on hashing, and the JSON is written with fixed separators.

Output format (``javskoll-bench/1``): JSON Lines, UTF-8, one object per line, gzip when the
file name ends in ``.gz`` (written with mtime 0, so still byte-identical):

* line 1, the manifest: ``{"format": "javskoll-bench/1", "seed", "scale", "as_of",
  "counts": {...}, "documents": n, "cases": m}``;
* then ``n`` lines ``{"kind": "import", "index": i, "section": "...", "document": {...}}``:
  each ``document`` is a complete contract import document (``POST /v1/import``) holding one
  slice of one section. POST them in file order: every reference points at an object of the
  same or an earlier document (organisations, committees, administrations, operations,
  agreements, persons, appointments, interests, relations);
* then ``m`` lines ``{"kind": "case", "index": j, "scenario": "...", "case": {...}}``: a
  contract case document (``POST /v1/cases`` or inline in ``POST /v1/screenings``).
  ``scenario`` is ``routine`` or the ground / structural risk the case was built to hit
  (``part``, ``paverkan``, ``stallforetradare``, ``tillsynsjav``, ``tvainstans``,
  ``generalklausul``, ``fullmaktige``, ``ansvarsfrihet``, ``egen_tillsyn``,
  ``dubbla_roller``, ``delad_forvaltning``, ``samverkan_egen_drift``); ``expect`` names the
  person the planted facts concern, when there is one.

Modules, one job each, in build order:

* ``scales``: the format name, shared dates, scenario names and the dataset scales;
* ``names``, ``identifiers``: place and person names; orgnr and personnummer (Luhn);
* ``state``: the registry under construction and its add-once primitives;
* ``organisations``: kommuner, regioner, myndigheter, municipal and private organisations;
* ``committees``: committees and administrations, gemensamma nämnder, kommunalförbund;
* ``people``: förtroendevalda and their seats, employees and their managers;
* ``operations``: operations and samverkansavtal;
* ``interests``: interests and relations;
* ``scenarios``, ``cases``: planted cases per ground / structural risk, routine cases;
* ``build``: the build order; ``writer``, ``reader``: the dataset file.
"""

from bench.generator.build import build, generate
from bench.generator.identifiers import orgnr, personnummer
from bench.generator.reader import Dataset, iter_lines, load, read_raw_documents
from bench.generator.scales import (
    AS_OF,
    FORMAT,
    PERSON_GROUNDS,
    SCALES,
    SCENARIOS,
    STRUCTURAL,
    Scale,
)
from bench.generator.state import Body, Generator
from bench.generator.writer import write, write_file

__all__ = [
    "AS_OF",
    "FORMAT",
    "PERSON_GROUNDS",
    "SCALES",
    "SCENARIOS",
    "STRUCTURAL",
    "Body",
    "Dataset",
    "Generator",
    "Scale",
    "build",
    "generate",
    "iter_lines",
    "load",
    "orgnr",
    "personnummer",
    "read_raw_documents",
    "write",
    "write_file",
]
