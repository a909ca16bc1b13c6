"""A small registry around one committee, for screening tests (import document)."""

from __future__ import annotations

import copy
from typing import Any

PNR_SAMBO = "19800202-0009"
ORGNR_BYGG = "556000-0001"

REGISTRY: dict[str, Any] = {
    "organisations": [
        {"ref": "k-ost", "kind": "kommun", "name": "Östby kommun", "orgnr": "212000-0001"},
        {"ref": "k-vast", "kind": "kommun", "name": "Västby kommun"},
        {
            "ref": "bygg-ab",
            "kind": "aktiebolag",
            "name": "Östby Bygg & Mark AB",
            "orgnr": ORGNR_BYGG,
            "owners": [{"organisation": "holding-ab", "share_percent": 100}],
        },
        {"ref": "holding-ab", "kind": "aktiebolag", "name": "Byggholding i Östby AB"},
        {
            "ref": "vatten-ab",
            "kind": "aktiebolag",
            "name": "Östby Vatten AB",
            "owners": [{"organisation": "k-ost", "share_percent": 100}],
        },
        {"ref": "snickeri", "kind": "aktiebolag", "name": "Hultarps Snickeri Aktiebolag"},
    ],
    "committees": [
        {
            "ref": "ost-mbn",
            "organisation": "k-ost",
            "kind": "gemensam_namnd",
            "name": "Miljö- och byggnämnden Östby-Västby",
            "participants": ["k-ost", "k-vast"],
            "responsibilities": [
                {"area": "bygg", "role": "tillsyn", "for": ["k-ost", "k-vast"]},
                {"area": "miljo_halsoskydd", "role": "tillsyn", "for": ["k-ost", "k-vast"]},
            ],
        },
        {
            "ref": "ost-tn",
            "organisation": "k-ost",
            "kind": "namnd",
            "name": "Tekniska nämnden",
            "responsibilities": [{"area": "va", "role": "drift"}],
        },
    ],
    "administrations": [
        {
            "ref": "ost-mf",
            "organisation": "k-ost",
            "name": "Miljöförvaltningen",
            "serves": ["ost-mbn"],
        },
        {
            "ref": "ost-tf",
            "organisation": "k-ost",
            "name": "Tekniska förvaltningen",
            "serves": ["ost-tn"],
        },
    ],
    "operations": [
        {
            "ref": "ost-rv",
            "name": "Östby reningsverk",
            "area": "va",
            "operator": {"committee": "ost-tn"},
            "municipality": "k-ost",
        },
    ],
    "persons": [
        {"ref": "p-ordf", "name": "Anna Berg"},
        {"ref": "p-vice", "name": "Bo Ek"},
        {"ref": "p-led1", "name": "Cecilia Ström"},
        {"ref": "p-led2", "name": "David Lind"},
        {"ref": "p-ers", "name": "Eva Nord"},
        {"ref": "p-old", "name": "Fredrik Gammal"},
        {"ref": "p-insp", "name": "Gun Holm"},
        {"ref": "p-tf", "name": "Hans Teknik"},
        {"ref": "p-sambo", "name": "Ingrid Sambo"},
        {"ref": "p-friend", "name": "Johan Vän"},
        {"ref": "p-extra", "name": "Karin Extra"},
    ],
    "appointments": [
        {
            "person": "p-ordf",
            "body": {"committee": "ost-mbn"},
            "role": "ordforande",
            "appointed_by": "k-ost",
            "valid_from": "2023-01-01",
            "valid_to": "2026-12-31",
        },
        {
            "person": "p-vice",
            "body": {"committee": "ost-mbn"},
            "role": "vice_ordforande",
            "appointed_by": "k-vast",
            "valid_from": "2023-01-01",
            "valid_to": "2026-12-31",
        },
        {
            "person": "p-led1",
            "body": {"committee": "ost-mbn"},
            "role": "ledamot",
            "appointed_by": "k-ost",
            "valid_from": "2023-01-01",
            "valid_to": "2026-12-31",
        },
        {
            "person": "p-led2",
            "body": {"committee": "ost-mbn"},
            "role": "ledamot",
            "appointed_by": "k-vast",
            "valid_from": "2023-01-01",
            "valid_to": "2026-12-31",
        },
        {
            "person": "p-led2",
            "body": {"committee": "ost-tn"},
            "role": "ledamot",
            "valid_from": "2023-01-01",
            "valid_to": "2026-12-31",
        },
        {
            "person": "p-ers",
            "body": {"committee": "ost-mbn"},
            "role": "ersattare",
            "appointed_by": "k-vast",
            "valid_from": "2023-01-01",
            "valid_to": "2026-12-31",
        },
        {
            "person": "p-old",
            "body": {"committee": "ost-mbn"},
            "role": "ledamot",
            "valid_from": "2019-01-01",
            "valid_to": "2022-12-31",
        },
        {
            "person": "p-insp",
            "body": {"administration": "ost-mf"},
            "role": "inspektor",
            "valid_from": "2020-01-01",
        },
        {
            "person": "p-tf",
            "body": {"administration": "ost-tf"},
            "role": "handlaggare",
            "valid_from": "2020-01-01",
        },
        {
            "person": "p-extra",
            "body": {"committee": "ost-tn"},
            "role": "ersattare",
            "valid_from": "2023-01-01",
            "valid_to": "2026-12-31",
        },
    ],
    "interests": [
        {
            "person": "p-led1",
            "organisation": "bygg-ab",
            "kind": "styrelseledamot",
            "valid_from": "2020-01-01",
        },
        {"person": "p-sambo", "organisation": "snickeri", "kind": "vd"},
        {"person": "p-extra", "organisation": "holding-ab", "kind": "agare", "share_percent": 60},
    ],
    "relations": [
        {"person": "p-sambo", "related": "p-ers", "kind": "sambo"},
        {"person": "p-friend", "related": "p-vice", "kind": "nara_van"},
    ],
}


def registry(sambo_pnr: str | None = None) -> dict[str, Any]:
    doc = copy.deepcopy(REGISTRY)
    if sambo_pnr:
        for p in doc["persons"]:
            if p["ref"] == "p-sambo":
                p["personnummer"] = sambo_pnr
    return doc


def case(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "ref": "MBN 2026/7",
        "committee": "ost-mbn",
        "area": "bygg",
        "matter": "myndighetsutovning",
        "title": "Bygglov",
        "decision_date": "2026-03-10",
        "parties": [{"organisation": "bygg-ab", "role": "sokande"}],
        "participants": [
            {"person": "p-ordf", "role": "ordforande"},
            {"person": "p-led1", "role": "ledamot"},
        ],
    }
    doc.update(overrides)
    return doc
