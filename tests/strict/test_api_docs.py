"""/docs and /redoc work offline: every asset they load is served by the service itself,
and the OpenAPI has a bearer scheme so that Authorize and "Try it out" work (issue 13)."""

from __future__ import annotations

import re

from tests.support.api import ApiClient


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_docs_pages_load_only_local_assets(anonymous: ApiClient) -> None:
    for page, must in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        response = anonymous.get(page)
        assert response.status_code == 200
        assets = _assets(response.text)
        assert any(a.endswith(must) for a in assets)
        for asset in assets:
            assert asset.startswith("/"), asset  # no CDN, no other host
            loaded = anonymous.get(asset)
            assert loaded.status_code == 200, asset
            assert len(loaded.content) > 0


def test_swagger_ui_is_started_by_a_shipped_script_not_inline_code(anonymous: ApiClient) -> None:
    html = anonymous.get("/docs").text
    assert "<script>" not in html
    assert 'data-openapi-url="/openapi.json"' in html
    init = anonymous.get("/docs-assets/app/swagger-init.js")
    assert "SwaggerUIBundle" in init.text
    assert "persistAuthorization: true" in init.text


def test_the_openapi_has_a_bearer_scheme_on_every_keyed_operation(anonymous: ApiClient) -> None:
    spec = anonymous.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearer"]["description"],
    }
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            public = path in ("/v1/health", "/v1/ready")
            assert ("security" in operation) is not public, (method, path)
            if not public:
                assert operation["security"] == [{"bearer": []}]
                assert "401" in operation["responses"]


def test_a_key_sent_as_swagger_ui_sends_it_is_accepted(
    admin: ApiClient, anonymous: ApiClient
) -> None:
    # "Try it out" after Authorize sends exactly `Authorization: Bearer <key>`.
    headers = {"Authorization": f"Bearer {admin.key}"}
    assert anonymous.get("/v1/vocabularies", headers=headers).status_code == 200
    assert anonymous.get("/v1/vocabularies").status_code == 401
