"""The steps of `bench run` before the load: import the generated registry, store its
cases, screen each planted case once."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench import generator

JSON = {"Content-Type": "application/json"}


class EndpointMissing(RuntimeError):
    """The endpoint the benchmark needs is not there yet (404/405)."""


def import_dataset(client: httpx.Client, path: Path, log: Callable[[str], None]) -> dict[str, Any]:
    """POST every import document of the file in order; time each one."""
    chunks: list[dict[str, Any]] = []
    started = time.perf_counter()
    for head, text in generator.read_raw_documents(path):
        body = text.encode("utf-8")
        t0 = time.perf_counter()
        response = client.post("/v1/import", content=body, headers=JSON, timeout=600)
        elapsed = time.perf_counter() - t0
        if response.status_code in (404, 405):
            raise EndpointMissing("POST /v1/import is not available yet")
        if response.status_code >= 300:
            raise RuntimeError(
                f"import of document {head['index']} ({head['section']}) failed: "
                f"{response.status_code} {response.text[:2000]}"
            )
        chunks.append(
            {
                "index": head["index"],
                "section": head["section"],
                "bytes": len(body),
                "seconds": round(elapsed, 3),
            }
        )
        log(
            f"  import {head['index']:3d} {head['section']:<16} {len(body) / 1e6:6.1f} MB "
            f"{elapsed:6.2f}s"
        )
    total = time.perf_counter() - started
    by_section: dict[str, float] = {}
    for chunk in chunks:
        by_section[chunk["section"]] = round(
            by_section.get(chunk["section"], 0) + chunk["seconds"], 3
        )
    return {
        "seconds": round(total, 3),
        "documents": len(chunks),
        "by_section_s": by_section,
        "chunks": chunks,
    }


def store_cases(client: httpx.Client, cases: list[dict[str, Any]]) -> tuple[bool, float]:
    """POST /v1/cases for each case; False when the endpoint does not exist."""
    started = time.perf_counter()
    for line in cases:
        response = client.post("/v1/cases", json=line["case"])
        if response.status_code in (404, 405):
            return False, 0.0
        if response.status_code not in (200, 201, 409):
            raise RuntimeError(
                f"POST /v1/cases failed: {response.status_code} {response.text[:1000]}"
            )
    return True, time.perf_counter() - started


def limited_key_headers(
    client: httpx.Client, cases: list[dict[str, Any]]
) -> dict[str, dict[str, str]]:
    """A screener key limited to each case committee's organisation, as each kommun's
    case system holds one (created with the client's unlimited key): committee ref ->
    the headers that send it."""
    organisation_of: dict[str, str] = {}
    offset = 0
    while True:
        response = client.get("/v1/committees", params={"limit": 500, "offset": offset})
        response.raise_for_status()
        items = response.json()["items"]
        organisation_of.update({c["ref"]: c["organisation"] for c in items})
        if len(items) < 500:
            break
        offset += 500
    wanted = sorted({line["case"]["committee"] for line in cases})
    keys: dict[str, str] = {}
    for organisation in sorted({organisation_of[c] for c in wanted}):
        body = {
            "name": f"bench-{organisation}",
            "role": "screener",
            "organisations": [organisation],
        }
        response = client.post("/v1/apikeys", json=body)
        response.raise_for_status()
        keys[organisation] = response.json()["key"]
    return {c: {"Authorization": f"Bearer {keys[organisation_of[c]]}"} for c in wanted}


def headers_per_case(
    client: httpx.Client,
    cases: list[dict[str, Any]],
    bodies: list[bytes],
    key_headers: dict[str, dict[str, str]],
) -> list[dict[str, str] | None]:
    """Each case screened once with its organisation's key: the key's headers where it
    may (201), None (the unlimited key) for a case naming objects outside that
    organisation (403, 422), which a kommun's key could not screen either."""
    out: list[dict[str, str] | None] = []
    for line, body in zip(cases, bodies, strict=True):
        headers = key_headers[line["case"]["committee"]]
        response = client.post("/v1/screenings", content=body, headers={**JSON, **headers})
        if response.status_code not in (201, 403, 422):
            response.raise_for_status()
        out.append(headers if response.status_code == 201 else None)
    return out


def screening_bodies(cases: list[dict[str, Any]], inline: bool) -> list[bytes]:
    if inline:
        return [json.dumps({"case": line["case"]}, ensure_ascii=False).encode() for line in cases]
    return [
        json.dumps({"case": line["case"]["ref"]}, ensure_ascii=False).encode() for line in cases
    ]


def check_scenarios(
    client: httpx.Client, cases: list[dict[str, Any]], inline: bool
) -> dict[str, Any]:
    """Screen each planted case once: did its ground (or structural risk) come out?"""
    report: dict[str, Any] = {}
    seen: Counter[str] = Counter()
    for line, body in zip(cases, screening_bodies(cases, inline), strict=True):
        scenario = line["scenario"]
        if scenario == "routine" or seen[scenario] >= 2:
            continue
        seen[scenario] += 1
        response = client.post("/v1/screenings", content=body, headers=JSON)
        if response.status_code in (404, 405):
            raise EndpointMissing("POST /v1/screenings is not available yet")
        if response.status_code >= 300:
            report.setdefault(scenario, []).append(
                {"status": response.status_code, "error": response.text[:300]}
            )
            continue
        result = response.json()
        grounds = sorted(
            {
                f.get("ground")
                for f in result.get("findings", [])
                if f.get("person") == line.get("expect") or not line.get("expect")
            }
        )
        structural = sorted({s.get("ground") for s in result.get("structural", [])})
        hit = scenario in grounds or scenario in structural
        report.setdefault(scenario, []).append(
            {
                "hit": hit,
                "outcome": result.get("outcome"),
                "grounds": grounds,
                "structural": structural,
            }
        )
    return report
