"""`/metrics`: Prometheus text that prometheus_client's own parser reads, behind an
unlimited admin or auditor key, moving when screenings, imports and requests happen."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client.parser import text_string_to_metric_families

from tests.decisions.flow import create_case, screen
from tests.support.api import ApiClient, path_ref
from tests.support.registry import contract_document, import_document

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: ApiClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_need_an_unlimited_admin_or_auditor_key(
    anonymous: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    assert anonymous.get("/metrics").status_code == 401
    for role in ("screener", "registry"):
        assert client_for(role).get("/metrics").status_code == 403, role
    limited = client_for("auditor", ["ankeby"]).get("/metrics")
    assert limited.status_code == 403
    assert "not limited to organisations" in limited.json()["detail"]
    for role in ("auditor", "admin"):
        assert client_for(role).get("/metrics").status_code == 200, role


def test_metrics_move_when_screenings_run(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    auditor, screener = client_for("auditor"), client_for("screener")
    before = scrape(auditor)
    import_document(admin, contract_document())
    create_case(screener)
    result = screen(screener)
    screen(screener)
    after = scrape(auditor)

    assert result["outcome"] == "flagged"
    grew = value(after, "javskoll_screenings_total", outcome="flagged") - value(
        before, "javskoll_screenings_total", outcome="flagged"
    )
    assert grew == 2
    expected: dict[tuple[str, str], int] = {}
    for f in result["findings"]:
        expected[(f["ground"], f["level"])] = expected.get((f["ground"], f["level"]), 0) + 2
    for s in result["structural"]:
        key = (s["ground"], "risk")
        expected[key] = expected.get(key, 0) + 2
    assert expected
    for (ground, level), count in expected.items():
        moved = value(after, "javskoll_findings_total", ground=ground, level=level) - value(
            before, "javskoll_findings_total", ground=ground, level=level
        )
        assert moved == count, (ground, level)

    # Import, screenings and case: audited, so the chain grew by as many entries.
    assert (
        value(after, "javskoll_audit_chain_length") - value(before, "javskoll_audit_chain_length")
        >= 4
    )
    assert (
        value(after, "javskoll_import_duration_seconds_count", outcome="stored")
        - value(before, "javskoll_import_duration_seconds_count", outcome="stored")
        == 1
    )
    route = {"method": "POST", "route": "/v1/screenings"}
    assert (
        value(after, "javskoll_http_requests_total", **route, status="201")
        - value(before, "javskoll_http_requests_total", **route, status="201")
        == 2
    )
    assert (
        value(after, "javskoll_http_request_duration_seconds_count", **route)
        - value(before, "javskoll_http_request_duration_seconds_count", **route)
        == 2
    )
    assert value(after, "javskoll_db_pool_capacity") > 0


def test_a_refused_import_is_timed_as_refused(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    auditor = client_for("auditor")
    before = scrape(auditor)
    assert admin.post("/v1/import", json={"persons": [{"ref": 1}]}).status_code == 422
    after = scrape(auditor)
    name = "javskoll_import_duration_seconds_count"
    assert value(after, name, outcome="refused") - value(before, name, outcome="refused") == 1


def test_requests_are_counted_by_route_template_not_by_path(
    client_for: Callable[..., ApiClient],
) -> None:
    auditor = client_for("auditor")
    ref = "MBN 2026/999"
    assert auditor.get(f"/v1/cases/{path_ref(ref)}").status_code == 404
    assert auditor.get("/v1/no-such-thing/42").status_code == 404
    # A personnummer in a path is refused before routing, and never reaches a label.
    assert auditor.get("/v1/no-such-thing/19700101-1233").status_code == 422
    text = auditor.get("/metrics").text
    assert "MBN" not in text and "19700101" not in text
    samples = scrape(auditor)
    routes = {dict(labels).get("route") for (name, labels) in samples if "http" in name}
    assert "/v1/cases/{ref}" in routes
    assert "unmatched" in routes
