"""Problem details in the user's language: `Accept-Language: sv` gives Swedish title and
detail; English stays the default (issue 10, item 5)."""

from __future__ import annotations

from app.errortexts import negotiate
from tests.support.api import ApiClient

SV = {"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"}


def test_english_is_the_default(admin: ApiClient) -> None:
    response = admin.post("/v1/screenings", json={"case": "X", "asof": "2024-01-01"})
    problem = response.json()
    assert response.headers["content-language"] == "en"
    assert problem["title"] == "The request is invalid"
    assert problem["detail"] == '/asof: unknown field; did you mean "as_of"?'


def test_unknown_field_in_swedish(admin: ApiClient) -> None:
    response = admin.post("/v1/screenings", json={"case": "X", "asof": "2024-01-01"}, headers=SV)
    problem = response.json()
    assert response.status_code == 422
    assert response.headers["content-language"] == "sv"
    assert problem["title"] == "Begäran är ogiltig"
    assert problem["detail"] == "/asof: okänt fält; menade du ”as_of”?"
    assert problem["errors"][0]["detail"] == "okänt fält; menade du ”as_of”?"
    assert problem["errors"][0]["code"] == "unknown_field"  # codes stay for programs


def test_field_error_templates_in_swedish(admin: ApiClient) -> None:
    body = {"case": {"ref": "X", "committee": "c", "matter": "tillsynn"}}
    problem = admin.post("/v1/screenings", json=body, headers=SV).json()
    error = next(e for e in problem["errors"] if e["pointer"] == "/case/matter")
    assert error["detail"].startswith("måste vara 'myndighetsutovning'")
    assert error["detail"].endswith("menade du ”tillsyn”?")
    assert " eller 'ovrigt'" in error["detail"]


def test_fixed_messages_in_swedish(anonymous: ApiClient, admin: ApiClient) -> None:
    unauthorized = anonymous.get("/v1/persons", headers=SV).json()
    assert unauthorized["title"] == "API-nyckel saknas eller är ogiltig"
    assert unauthorized["detail"] == "Skicka 'Authorization: Bearer <API-nyckel>'."
    missing = admin.get("/v1/cases/NOPE", headers=SV).json()
    assert missing["title"] == "Hittades inte"
    assert missing["detail"] == "Inget ärende 'NOPE'."
    unsupported = admin.post("/v1/screenings", content=b"{}", headers=SV).json()
    assert unsupported["title"] == "Innehållstypen stöds inte"
    assert unsupported["detail"].startswith("Skicka innehållet som Content-Type: application/json")


def test_unknown_query_parameter_in_swedish(admin: ApiClient) -> None:
    problem = admin.get("/v1/persons?nam=Ove", headers=SV).json()
    assert problem["detail"] == "/nam: okänd frågeparameter; menade du ”name”?"


def test_language_negotiation() -> None:
    assert negotiate(None) == "en"
    assert negotiate("sv") == "sv"
    assert negotiate("sv-FI") == "sv"
    assert negotiate("de, sv;q=0.5") == "sv"
    assert negotiate("en, sv;q=0.5") == "en"
    assert negotiate("sv;q=0, en") == "en"
    assert negotiate("fr") == "en"
