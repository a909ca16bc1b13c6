"""A personnummer in free text is refused everywhere, and the log redactor blanks every
spelling the normaliser accepts; refs are NFC and hold no invisible or bidi character.

The property tests draw valid personnummer (python-stdnum's own check digit, also
samordningsnummer and the '+' of the over-100s) and spell them every way
`app.identifiers.normalise_personnummer` accepts: 10 or 12 digits, spaces and colons
anywhere, '-' or '+' anywhere before the last four digits, percent-encoded in a path.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import quote

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from app.identifiers import InvalidIdentifier, normalise_personnummer
from app.logging import RedactingJsonFormatter, redact
from app.security.text import holds_personnummer
from tests.support.api import ApiClient
from tests.support.registry import contract_document, import_document


@st.composite
def personnummer(draw: st.DrawFn) -> str:
    """A valid personnummer, 12 digits (YYYYMMDDNNNC)."""
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
    day = born.day + (60 if draw(st.booleans()) else 0)  # samordningsnummer
    serial = draw(st.integers(min_value=0, max_value=999))
    body = f"{born.year % 100:02d}{born.month:02d}{day:02d}{serial:03d}"
    return f"{born.year:04d}{born.month:02d}{day:02d}{serial:03d}{luhn.calc_check_digit(body)}"


@st.composite
def spelling(draw: st.DrawFn) -> tuple[str, str]:
    """(a spelling the normaliser accepts, the personnummer's last ten digits)."""
    number = draw(personnummer())
    digits = number if draw(st.booleans()) else number[2:]
    head, tail = digits[:-4], digits[-4:]
    mark = draw(st.sampled_from(["", "-", "+"]))
    if mark == "+":  # '+' says the person is 100 or older: only the 10-digit form
        assume(len(digits) == 10)
    noise = st.text(alphabet=" :", max_size=2)
    inner = st.text(alphabet=" :-+", max_size=2) if mark else noise
    out = "".join(d + draw(inner) for d in head[:-1]) + head[-1] + mark
    out += "".join(draw(noise) + d for d in tail)
    try:
        normalise_personnummer(out)
    except InvalidIdentifier:
        assume(False)
    return out, number[-10:]


def digits_left(text: str) -> str:
    return re.sub(r"\D", "", text)


@settings(max_examples=400, deadline=None)
@given(spelling())
def test_the_log_redactor_blanks_every_accepted_spelling(pair: tuple[str, str]) -> None:
    text, _ = pair
    for line in (
        f"GET /persons/{text} answered",
        f"GET /persons/{quote(text)} answered",
        f"title Ärende om {text}.",
        json.dumps({"ref": text}),
    ):
        assert digits_left(redact(line)) == "", line


@settings(max_examples=100, deadline=None)
@given(spelling())
def test_a_log_record_never_holds_one(pair: tuple[str, str]) -> None:
    text, _ = pair
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "looked up %s", (text,), None)
    record.request_id = None
    assert digits_left(RedactingJsonFormatter("%(message)s").format(record)) == ""


@settings(max_examples=300, deadline=None)
@given(spelling())
def test_free_text_with_an_accepted_spelling_is_recognised(pair: tuple[str, str]) -> None:
    text, _ = pair
    assert holds_personnummer(f"Ansökan från {text} om bygglov")


@pytest.mark.parametrize(
    "text",
    ["MBN 2026/123", "2026-03-10", "Tel 08-123 456 78", "avtal-2024-7", "9223372036854775808"],
)
def test_ordinary_text_is_not_taken_for_a_personnummer(text: str) -> None:
    assert not holds_personnummer(text)


@st.composite
def iso_timestamp(draw: st.DrawFn) -> str:
    """A date with a time of day, written every way ISO 8601 and RFC 3339 allow."""
    # The offsets in use: whole hours, and :30 and :45 (India, Nepal, Chatham), to 14 h.
    hours = draw(st.integers(min_value=-14, max_value=14))
    minutes = draw(st.sampled_from([0, 30, 45])) if abs(hours) < 14 else 0
    offset = draw(st.none() | st.just(hours * 60 + (minutes if hours >= 0 else -minutes)))
    zone = None if offset is None else timezone(timedelta(minutes=offset))
    moment = draw(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2099, 12, 31)))
    text = moment.replace(tzinfo=zone).isoformat(
        sep=draw(st.sampled_from(["T", " "])),
        timespec=draw(st.sampled_from(["minutes", "seconds", "milliseconds", "microseconds"])),
    )
    if zone is not None and offset == 0 and draw(st.booleans()):
        text = text.replace("+00:00", "Z")
    elif zone is not None and text.endswith(":00") and draw(st.booleans()):
        text = text[:-3]  # PostgreSQL's text output: "+01", "-03"
    return text


@settings(max_examples=500, deadline=None)
@given(iso_timestamp())
def test_a_timestamp_is_not_taken_for_a_personnummer(timestamp: str) -> None:
    # Before: one "date hh:mm" in ten (YYYYMMDD-hhmm) and one timestamp with microseconds
    # and an offset in 250 (fraction and offset as YYMMDD+NNNN) were refused.
    assert not holds_personnummer(timestamp)
    assert not holds_personnummer(f"Beslut {timestamp}, enligt delegation")


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)),
    st.times(),
    st.times(),
)
def test_a_time_range_is_not_taken_for_a_personnummer(day: date, start: time, end: time) -> None:
    text = f"Sammanträde {day.isoformat()} {start:%H:%M}-{end:%H:%M} i KS-salen"
    assert not holds_personnummer(text)


@settings(max_examples=300, deadline=None)
@given(iso_timestamp(), spelling())
def test_a_personnummer_beside_a_timestamp_is_still_found(
    timestamp: str, pair: tuple[str, str]
) -> None:
    text, _ = pair
    assert holds_personnummer(f"Möte {timestamp}, {text}")
    assert holds_personnummer(f"{text} {timestamp}")


@pytest.mark.parametrize(
    "text",
    [
        "Beslut 2025-03-14 10:00",  # 202503141000 is a valid personnummer
        "ändrad 2026-12-07T05:19:26.811075+00:00",  # 811075+0000 is a valid one
        "2026-12-07 05:19:26,811075+0000",
    ],
)
def test_timestamps_that_spell_a_personnummer_are_not_one(text: str) -> None:
    assert not holds_personnummer(text)


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-14 1000",  # no time of day: read as YYYYMMDD-NNNN
        "20250314 10:00",  # ISO 8601's basic date with an extended time: not a timestamp
        "1985-03-12 1231",
        "2025-03-14 10:00 850312-1231",
        "2025-03-14 10:00850312-1231",  # the digits run on: not a timestamp
        "2025-03-14T10:00Z 198503121231",
        # A personnummer hidden as a timestamp's fraction or offset (review of run L)
        "Sammanträde 2025-03-14 10:00:00.19850712-1237",
        "2025-03-14 10:00:00,850712-1237",
        "2025-03-14T10:00:00.198507121237",
        "2025-03-14 10:00:00.8507121237",
        "2025-03-14 10:00+850712-1237",
    ],
)
def test_what_only_looks_like_a_timestamp_is_still_read(text: str) -> None:
    assert holds_personnummer(text)


PNR = "19700101-1233"


@pytest.fixture
def loaded(admin: ApiClient) -> None:
    import_document(admin, contract_document())


def case(**overrides: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "ref": "MBN 2026/1",
        "committee": "ab-mbn",
        "matter": "tillsyn",
        "title": "Tillsyn",
        "decision_date": "2026-03-10",
        "parties": [],
        "participants": [],
    }
    doc.update(overrides)
    return doc


@pytest.mark.parametrize(
    ("method", "path", "body", "pointer"),
    [
        ("post", "/v1/cases", case(title=f"Klagomål från {PNR}"), "/title"),
        ("post", "/v1/cases", case(ref=f"MBN {PNR.replace('-', '')}"), "/ref"),
        (
            "post",
            "/v1/cases",
            case(parties=[{"name": f"Nils {PNR}", "role": "berord"}]),
            "/parties/0/name",
        ),
        ("post", "/v1/screenings", {"case": case(title="om 700101 1233")}, "/case/title"),
        ("post", "/v1/persons", {"ref": "p-x", "name": f"Anna {PNR}"}, "/name"),
        ("post", "/v1/persons", {"ref": f"p-{PNR}", "name": "Anna"}, "/ref"),
        (
            "post",
            "/v1/import",
            {"organisations": [{"ref": "o", "kind": "ideell_forening", "name": f"F {PNR}"}]},
            "/organisations/0/name",
        ),
    ],
)
def test_a_personnummer_in_free_text_is_refused(
    admin: ApiClient, loaded: None, method: str, path: str, body: object, pointer: str
) -> None:
    response = getattr(admin, method)(path, json=body)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["pointer"], e["code"]) for e in errors] == [(pointer, "personnummer_in_text")]
    assert "1233" not in response.text


def test_a_personnummer_where_it_belongs_is_fine(admin: ApiClient, loaded: None) -> None:
    other = "19811218-9876"
    created = admin.post("/v1/persons", json={"ref": "p-x", "name": "X", "personnummer": other})
    assert created.status_code == 201, created.text
    party = case(parties=[{"name": "Nils Granne", "role": "berord", "personnummer": other}])
    assert admin.post("/v1/cases", json=party).status_code == 201


def test_a_timestamp_in_free_text_is_written(admin: ApiClient, loaded: None) -> None:
    title = "Beslut 2025-03-14 10:00, ändrat 2026-12-07T05:19:26.811075+00:00"
    created = admin.post("/v1/cases", json=case(title=title))
    assert created.status_code == 201, created.text
    assert admin.get(f"/v1/cases/{quote(created.json()['ref'])}").json()["title"] == title


def test_refs_are_nfc_and_hold_no_invisible_characters(admin: ApiClient, loaded: None) -> None:
    composed, decomposed = "p-\u00e5sa", "p-a\u030asa"
    assert admin.post("/v1/persons", json={"ref": decomposed, "name": "Åsa"}).status_code == 201
    assert admin.get(f"/v1/persons/{quote(composed)}").json()["ref"] == composed
    again = admin.post("/v1/persons", json={"ref": composed, "name": "Åsa"})
    assert again.status_code == 409  # one ref, however it was spelled
    for bad in ("p-\u200basa", "p-\u202easa", "p-\ufeffasa", "p-\u200dasa"):
        response = admin.post("/v1/persons", json={"ref": bad, "name": "Åsa"})
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["code"] == "invisible_character"
        assert admin.get(f"/v1/persons/{quote(bad)}").status_code == 422
    # A joiner belongs in some names (not in refs); a bidi override in none.
    assert admin.post("/v1/persons", json={"ref": "p-z", "name": "Mi\u200cna"}).status_code == 201
    assert admin.post("/v1/persons", json={"ref": "p-y", "name": "A\u202eB"}).status_code == 422
