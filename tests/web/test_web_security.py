"""Sessions, CSRF, headers and scope of the web app, through HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.db_types import utcnow
from app.main import create_app
from app.models import WebSession
from tests.conftest import make_settings
from tests.security.test_scope_matrix import app_routes
from tests.support.api import ApiClient
from tests.support.keys import committed_key
from tests.support.registry import CONTRACT_DOCUMENT, import_document
from tests.web import routes
from tests.web.support import WebClient, csrf_of, text_of

CASE = "S48 MBN 2024/311"
MEETING = "MBN 2024-10-08"
PAGES = [
    "/",
    "/arenden",
    "/arenden/nytt",
    "/arenden/" + quote(CASE, safe=""),
    "/register",
    "/register?namn=berg",
    "/register/personer/s48-ers",
    "/register/namnder/s48-mbn",
    "/register/organisationer/s48-kommun",
    "/revision",
    "/revision/rapporter/summary?format=csv",
    "/sammantraden",
    "/sammantraden/" + quote(MEETING, safe=""),
]
FORMS: dict[str, dict[str, Any]] = {
    "/arenden/granska": {"ref": CASE},
    "/arenden/nytt": {"ref": "X 1", "committee": "s48-mbn", "matter": "tillsyn"},
    "/arenden/beslut": {
        "ref": CASE,
        "person": "s48-ers",
        "decision": "jav",
        "raised_by": "self",
        "decided_on": "2024-10-08",
        "action": "save",
    },
    "/logga-ut": {},
    "/revision/verifiera": {},
    "/sammantraden/nytt": {
        "ref": "M 2",
        "committee": "s48-mbn",
        "date": "2024-10-08",
        "agenda": f"§ 1; {CASE}",
    },
    "/sammantraden/narvaro": {"ref": "M 2", "present": ["s48-led"]},
}


def _route(path: str) -> str:
    path = path.split("?")[0]
    for pattern, route in (
        ("/arenden/S48", "/arenden/{ref}"),
        ("/personer/", "/personer/{ref}"),
        ("/namnder/", "/namnder/{ref}"),
        ("/organisationer/", "/organisationer/{ref}"),
        ("/rapporter/", "/rapporter/{name}"),
        ("/sammantraden/MBN", "/sammantraden/{ref}"),
    ):
        if pattern in path:
            return path[: path.index(pattern)] + route
    return path


def test_every_web_route_is_listed_and_tested(app: Any) -> None:
    served = {
        r
        for r in app_routes(app)
        if not r[1].startswith(("/v1", "/docs", "/redoc", "/openapi", "/metrics"))
    }
    assert served == routes.WEB_ROUTES
    assert {("GET", _route(p)) for p in PAGES} == routes.PAGES
    assert {("POST", p) for p in FORMS} == routes.FORMS


@pytest.mark.parametrize("path", PAGES)
def test_no_page_without_a_session(app: Any, path: str) -> None:
    with WebClient(app) as client:
        response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/logga-in?next=")


@pytest.mark.parametrize("path", sorted(FORMS))
def test_no_form_without_a_session(
    app: Any, scenario_case: dict[str, Any], path: str, admin: ApiClient
) -> None:
    with WebClient(app) as client:
        response = client.post(path, data={**FORMS[path], "csrf_token": "x"})
    assert response.status_code == 303
    assert response.headers["location"] == "/logga-in?next=%2F"
    assert admin.get("/v1/screenings").json()["total"] == 0


@pytest.mark.parametrize("path", sorted(FORMS))
@pytest.mark.parametrize("token", [None, "", "forged"])
def test_every_form_checks_the_csrf_token(
    browser_for: Any,
    scenario_case: dict[str, Any],
    admin: ApiClient,
    path: str,
    token: str | None,
) -> None:
    client = browser_for("admin")
    data = dict(FORMS[path])
    if token is not None:
        data["csrf_token"] = token
    response = client.post(path, data=data)
    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in text_of(response.text)
    assert admin.get("/v1/screenings").json()["total"] == 0
    assert admin.get(f"/v1/cases/{quote(CASE, safe='')}/decisions").json()["total"] == 0
    assert admin.get("/v1/cases/X%201").status_code == 404
    assert client.page("/").status_code == 200  # still signed in


def test_sign_in_needs_its_own_form_token(app: Any, make_key: Any) -> None:
    key = make_key("screener")
    with WebClient(app) as client:
        form = client.page("/logga-in")
        client.cookies.clear()  # a forged cross-site post has no nonce cookie
        response = client.post("/logga-in", data={"api_key": key, "csrf_token": csrf_of(form.text)})
    assert response.status_code == 403
    assert "javskoll_session" not in response.headers.get("set-cookie", "")


def test_a_wrong_key_is_an_error_at_the_field_and_never_echoed(app: Any) -> None:
    with WebClient(app) as client:
        form = client.page("/logga-in")
        wrong = "jk_not-a-real-key-0123456789"
        response = client.post(
            "/logga-in", data={"api_key": wrong, "csrf_token": csrf_of(form.text)}
        )
    assert response.status_code == 400
    assert wrong not in response.text
    assert re.search(r"<title>Fel: Logga in", response.text)
    assert 'href="#api_key"' in response.text and 'id="api_key-error"' in response.text


@pytest.mark.parametrize(
    ("base_url", "secure"), [("http://testserver", False), ("https://testserver", True)]
)
def test_the_session_cookie_is_httponly_strict_and_secure_behind_https(
    app: Any, make_key: Any, base_url: str, secure: bool
) -> None:
    with WebClient(app) as client:
        client.base_url = base_url
        response = client.sign_in(make_key("auditor"))
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("javskoll_session=")
    )
    attributes = {a.strip().split("=")[0].lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "samesite", "path", "max-age"} <= attributes
    assert "samesite=strict" in cookie.lower()
    assert ("secure" in attributes) is secure


def test_sign_out_ends_the_session_on_the_server(browser_for: Any) -> None:
    client = browser_for("screener")
    stolen = client.cookies.get("javskoll_session")
    client.page("/")
    assert client.form("/logga-ut", {}).headers["location"] == "/logga-in?ended=true"
    client.cookies.set("javskoll_session", stolen)
    assert client.get("/").status_code == 303


def test_a_revoked_key_ends_its_sessions(browser_for: Any, admin: ApiClient) -> None:
    client = browser_for("screener")
    assert client.page("/arenden").status_code == 200
    key_id = next(
        k["id"] for k in admin.get("/v1/apikeys").json()["items"] if k["name"] == "test-screener"
    )
    assert admin.delete(f"/v1/apikeys/{key_id}").status_code in (200, 204)
    assert client.get("/arenden").status_code == 303


def test_an_expired_session_ends(browser_for: Any, session: Session) -> None:
    client = browser_for("auditor")
    assert client.page("/").status_code == 200
    session.execute(update(WebSession).values(expires_at=utcnow()))
    session.commit()
    assert client.get("/").status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_sign_in_never_redirects_off_site(app: Any, make_key: Any, target: str) -> None:
    with WebClient(app) as client:
        response = client.sign_in(make_key("auditor"), next_path=quote(target, safe=""))
    assert response.headers["location"] == "/"


@pytest.mark.parametrize(
    "path", [p for p in PAGES if "rapporter" not in p] + ["/logga-in", "/tillganglighet"]
)
def test_security_headers_and_no_inline_script_or_style_on_every_page(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient, path: str
) -> None:
    meeting = {
        "ref": MEETING,
        "committee": "s48-mbn",
        "date": "2024-10-08",
        "items": [{"paragraph": "§ 45", "case": CASE}],
    }
    assert admin.post("/v1/meetings", json=meeting).status_code == 201
    response = browser_for("admin").page(path)
    assert response.status_code == 200, path
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert response.headers.get_list("content-security-policy") == [csp]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    html = response.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\sstyle=", html) and "<style" not in html
    assert not re.search(r'\son[a-z]+="', html)
    assert html.count("<h1") == 1
    assert '<html lang="sv"' in html


def test_english_switch(browser_for: Any) -> None:
    client = browser_for("auditor")
    switched = client.get("/sprak?lang=en&next=/register")
    assert switched.headers["location"] == "/register"
    page = client.page("/register")
    assert '<html lang="en"' in page.text and "Search people by name" in page.text


@pytest.mark.parametrize("role", ["screener", "auditor"])
def test_the_home_pages_areas_are_in_the_menus_order(browser_for: Any, role: str) -> None:
    """Before, the boxes read Ärenden, Register, Sammanträden under a menu of Ärenden,
    Sammanträden, Register."""
    html = browser_for(role).page("/").text
    menu = re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', html)
    main = html[html.index('id="main"') :]
    boxes = re.findall(r'<h2 class="govuk-heading-m"><a class="govuk-link" href="([^"]+)"', main)
    assert menu[:3] == ["/arenden", "/sammantraden", "/register"]
    assert boxes == menu


@pytest.mark.parametrize(
    "path",
    [
        "/arenden/" + quote(CASE, safe=""),
        "/register/personer/s48-ers",
        "/register/namnder/s48-mbn",
        "/register/organisationer/s48-kommun",
        "/register/personer/no-such-person",
    ],
)
def test_out_of_scope_is_a_404_exactly_like_missing(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient, path: str
) -> None:
    import_document(admin, CONTRACT_DOCUMENT)
    client = browser_for("admin", ["ankeby"])
    assert client.page("/register/namnder/ankeby-tn").status_code == 200
    response = client.page(path)
    assert response.status_code == 404
    missing = client.page(path.rsplit("/", 1)[0] + "/no-such-ref")
    assert missing.status_code == 404
    assert "Sidan finns inte" in text_of(response.text)
    assert _main(response.text) == _main(missing.text)
    assert "Jessica" not in response.text and "Åsby" not in response.text


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_a_limited_key_cannot_screen_or_decide_out_of_scope(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    import_document(admin, CONTRACT_DOCUMENT)
    client = browser_for("screener", ["ankeby"])
    client.page("/arenden")
    assert client.form("/arenden/granska", {"ref": CASE}).status_code == 404
    client.page("/arenden")
    decided = client.form("/arenden/beslut", FORMS["/arenden/beslut"])
    assert decided.status_code == 404
    assert admin.get("/v1/screenings").json()["total"] == 0


@pytest.fixture
def small_limit_app(tmp_database: str) -> Iterator[tuple[Any, str]]:
    """An app of its own (its own database and limiter) allowing 3 wrong keys per address:
    the suite's shared app must never be left over the limit for the test client's address."""
    settings = make_settings(tmp_database, auth_failure_limit=3)
    application = create_app(settings)
    key = committed_key(application, "screener", "web-limit")
    yield application, key
    application.state.engine.dispose()


def test_wrong_keys_at_sign_in_share_the_api_budget_of_the_address(
    small_limit_app: tuple[Any, str],
) -> None:
    application, key = small_limit_app
    with WebClient(application) as browser, ApiClient(application, "jk_wrong-api-key") as api:
        wrong = [browser.sign_in(f"jk_wrong-{i}-0123456789abcdef").status_code for i in range(2)]
        assert wrong == [400, 400]
        assert api.get("/v1/vocabularies").status_code == 401  # the third wrong key
        refused = browser.sign_in(key)  # the right key, but no key is checked now
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert "javskoll_session" not in refused.headers.get("set-cookie", "")
        assert "För många försök" in text_of(refused.text)
        assert key not in refused.text
        assert api.get("/v1/vocabularies").status_code == 429  # and the API the same
        browser.cookies.set("javskoll_lang", "en")
        english = browser.sign_in(key)
        assert english.status_code == 429 and "Too many attempts" in text_of(english.text)
    with WebClient(application) as other:  # the budget is the address's, not the browser's
        assert other.sign_in(key).status_code == 429
