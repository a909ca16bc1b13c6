"""The statute cited follows the meeting's date: KL (2017:725) from 2018-01-01, the old
Kommunallagen (1991:900) before (docs/legal/meetings.md, "Dates"), in the answer's rules,
the minutes and the Word document."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from app.meetings.law import UNVERIFIED_1991
from app.office import DOCX
from tests.meetings.support import assess, item, out, post_meeting
from tests.meetings.world import case, world
from tests.support.api import ApiClient
from tests.support.registry import import_document

OLD, NEW = "2017-06-01", "2018-01-01"
KL91, KL17 = "kommunallagen (1991:900)", "kommunallagen (2017:725)"


@pytest.fixture
def screener(admin: ApiClient, client_for) -> ApiClient:  # type: ignore[no-untyped-def]
    """The meeting world with every seat held since 2015 (so that 2017 has a nämnd)."""
    doc = world()
    for appointment in doc["appointments"]:
        if "valid_from" in appointment:
            appointment["valid_from"] = "2015-01-01"
    import_document(admin, doc)
    return client_for("screener")  # type: ignore[no-untyped-def,no-any-return]


def bn(day: str) -> dict[str, Any]:
    fourth = case("BN 4", ("p-granne", "sokande"))
    fourth["participants"] = [{"person": "h-1", "role": "foredragande"}]
    return {
        "ref": f"BN {day}",
        "committee": "bn",
        "date": day,
        "items": [
            {"paragraph": "§ 1", "case": case("BN 1", ("l-s2", "sokande"))},
            {"paragraph": "§ 2", "case": fourth},
        ],
    }


def kf(day: str) -> dict[str, Any]:
    parties = (("kf-1", "part"), ("kf-2", "part"), ("kf-3", "part"))
    return {
        "ref": f"KF {day}",
        "committee": "kf",
        "date": day,
        "items": [
            {
                "paragraph": "§ 7",
                "case": case("KS 9", *parties, committee="kf", matter="normgivning", area="ovrigt"),
            }
        ],
    }


def rules(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["rule"]: r for r in entry["rules"]}


def test_a_nämnd_meeting_before_2018_cites_kommunallagen_1991(screener: ApiClient) -> None:
    meeting = post_meeting(screener, bn(OLD))
    first, second = item(meeting, "§ 1"), item(meeting, "§ 2")
    assert out(first) == ["l-s2"] and assess(second) == ["l-m2"]
    steps_out = rules(first)["kl6_30_steps_out"]
    assert steps_out["period"] == "–2017-12-31"
    assert steps_out["legal_basis"] == [f"6 kap. 24 § {KL91}", f"6 kap. 25 § {KL91}"]
    # Not verified in the 1991 act: the 2017 paragraph, with the note saying so.
    quorum = rules(first)["kl6_27_beslutforhet"]
    assert quorum["legal_basis"] == [f"6 kap. 27 § {KL17}", UNVERIFIED_1991]
    assert "(1991:900)" in UNVERIFIED_1991 and "inte verifierad" in UNVERIFIED_1991
    minutes = second["minutes"]
    assert (
        f"Nämnden prövar frågan om jäv för Maja Mark (M) ({KL91}; se nu 6 kap. 30 § {KL17})"
        in (minutes["sv"])
    )
    assert "(6 kap. 30 § kommunallagen)" not in minutes["sv"]
    assert "Local Government Act 1991:900" in minutes["en"] and "(KL 6:30)" not in minutes["en"]


def test_the_same_meeting_from_2018_cites_kommunallagen_2017(screener: ApiClient) -> None:
    meeting = post_meeting(screener, bn(NEW))
    first, second = item(meeting, "§ 1"), item(meeting, "§ 2")
    steps_out = rules(first)["kl6_30_steps_out"]
    assert steps_out["period"] == "2018-01-01–"
    assert steps_out["legal_basis"] == [f"6 kap. 30 § första stycket {KL17}", f"7 kap. 4 § {KL17}"]
    assert rules(first)["kl6_27_beslutforhet"]["legal_basis"] == [f"6 kap. 27 § {KL17}"]
    assert "(6 kap. 30 § kommunallagen)" in second["minutes"]["sv"]
    assert "1991:900" not in second["minutes"]["sv"] + second["minutes"]["en"]


def test_fullmaktige_before_2018_cites_5_kap_20_and_names_the_old_act(
    screener: ApiClient,
) -> None:
    entry = item(post_meeting(screener, kf(OLD)), "§ 7")
    assert out(entry) == ["kf-1", "kf-2", "kf-3"] and entry["quorate_by_jav_exception"]
    assert rules(entry)["kl5_47_steps_out"]["legal_basis"] == [f"5 kap. 20 § första stycket {KL91}"]
    assert rules(entry)["kl5_46_jav_beslutforhet"]["legal_basis"] == [
        f"5 kap. 46 § {KL17}",
        UNVERIFIED_1991,
    ]
    assert f"({KL91}; se nu 5 kap. 46 § {KL17})" in entry["minutes"]["sv"]
    assert "(5 kap. 46 § kommunallagen)" not in entry["minutes"]["sv"]


def _docx_text(client: ApiClient, ref: str) -> str:
    response = client.get(f"/v1/meetings/{ref.replace(' ', '%20')}", headers={"Accept": DOCX})
    assert response.status_code == 200, response.text
    return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


def test_the_word_document_names_the_act_of_the_meetings_date(screener: ApiClient) -> None:
    post_meeting(screener, bn(OLD))
    post_meeting(screener, bn(NEW))
    post_meeting(screener, kf(OLD))
    old = _docx_text(screener, f"BN {OLD}")
    assert f"Sammanträdet hålls {OLD}: {KL91} gäller." in old
    assert f"Jävsfrågan prövas av nämnden ({KL91}; se nu 6 kap. 30 § {KL17}):" in old
    assert "(6 kap. 30 § kommunallagen)" not in old
    assert "Protokollstext: Anna Berg (S) anmäler jäv" in old
    # the jäv findings cite the act of the date too (the rules engine's own periods)
    assert f"lagrum: 6 kap. 25 § 1 {KL91}" in old
    new = _docx_text(screener, f"BN {NEW}")
    assert f"Sammanträdet hålls {NEW}: {KL17} gäller." in new
    assert "Jävsfrågan prövas av nämnden (6 kap. 30 § kommunallagen):" in new
    assert "1991:900" not in new
    fullmaktige = _docx_text(screener, f"KF {OLD}")
    assert f"Fullmäktige är beslutfört trots jäv ({KL91}; se nu 5 kap. 46 § {KL17})" in fullmaktige
