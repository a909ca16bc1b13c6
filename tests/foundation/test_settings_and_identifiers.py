"""Settings refuse insecure defaults; identifiers validate, normalise, hash and mask."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from stdnum import luhn

from app.config import Settings
from app.identifiers import (
    InvalidIdentifier,
    hash_and_mask,
    mask_personnummer,
    normalise_orgnr,
    normalise_personnummer,
)

LONG = "x" * 40


def test_production_refuses_the_development_secrets() -> None:
    with pytest.raises(ValidationError, match="JAVSKOLL_HASH_SECRET"):
        Settings(environment="production")


def test_production_refuses_a_short_bootstrap_key() -> None:
    with pytest.raises(ValidationError, match="BOOTSTRAP_KEY"):
        Settings(environment="production", hash_secret=LONG, pnr_secret=LONG, bootstrap_key="short")


def test_production_accepts_real_secrets_and_normalises_postgres_urls() -> None:
    settings = Settings(
        environment="production",
        hash_secret=LONG,
        pnr_secret=LONG + "y",
        database_url="postgres://u:p@db/javskoll",
    )
    assert settings.database_url == "postgresql+psycopg://u:p@db/javskoll"


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("19700101-1233", "197001011233"),
        ("197001011233", "197001011233"),
        ("700101-1233", "197001011233"),
        ("7001011233", "197001011233"),
        ("700101+1233", "187001011233"),  # '+': aged 100 or more
    ],
)
def test_personnummer_forms_normalise_to_twelve_digits(given: str, normalised: str) -> None:
    assert normalise_personnummer(given) == normalised


def test_samordningsnummer_is_accepted() -> None:
    body = "701061239"  # day 61 = the 1st + 60
    number = body + luhn.calc_check_digit(body)
    assert normalise_personnummer(number) == "19" + number
    assert normalise_personnummer("19" + number[:6] + "-" + number[6:]) == "19" + number


@pytest.mark.parametrize(
    "bad", ["19700101-1234", "abc", "19701301-1233", "1970010112", "701091-2391", ""]
)
def test_invalid_personnummer_is_refused_without_echoing_it(bad: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_personnummer(bad)
    if bad:
        assert bad not in str(caught.value)


def test_personnummer_hash_is_keyed_and_masked_form_hides_the_last_four() -> None:
    hash_a, masked = hash_and_mask("19700101-1233", "secret-a")
    hash_b, _ = hash_and_mask("700101-1233", "secret-b")
    assert hash_a != hash_b  # keyed: another secret gives another hash
    assert hash_and_mask("7001011233", "secret-a")[0] == hash_a  # forms agree
    assert masked == "19700101-****" == mask_personnummer("197001011233")
    assert "1233" not in masked


def test_orgnr_is_validated_and_formatted() -> None:
    assert normalise_orgnr("2120000001") == "212000-0001"
    with pytest.raises(InvalidIdentifier):
        normalise_orgnr("212000-0002")
