"""docs/legal/ holds the rule catalogue and the sources the engine's metadata names: every
registered rule id has an entry there and every entry is a registered rule; each entry
states the rule's statute, period, sources and summary as its metadata does; every source id a rule
names is explained in docs/legal/sources.md, and every source explained there is used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.rules.engine import list_rules

LEGAL = Path(__file__).resolve().parents[2] / "docs" / "legal"
RULES = {r["id"]: r for r in list_rules()}


def _sections(path: Path, marker: str) -> dict[str, str]:
    """Heading text -> body, for headings starting with ``marker`` ("#### ", "### ")."""
    text = path.read_text(encoding="utf-8")
    parts = re.split(rf"^{re.escape(marker)}(\S+)\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


CATALOGUE = _sections(LEGAL / "rules.md", "#### ")
SOURCES = _sections(LEGAL / "sources.md", "### ")


def test_every_registered_rule_has_a_catalogue_entry_and_vice_versa() -> None:
    assert sorted(RULES) == sorted(CATALOGUE)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_the_entry_states_the_rules_statute_period_and_sources(rule_id: str) -> None:
    rule, entry = RULES[rule_id], CATALOGUE[rule_id]
    lines = {
        line.split(":**", 1)[0].strip("- *"): line for line in entry.splitlines() if ":**" in line
    }
    assert lines["Statute"].split(":** ", 1)[1] == "; ".join(rule["legal_basis"])
    period = f"{rule['valid_from'] or '…'} – {rule['valid_to'] or '…'}"
    assert lines["Period"].split(":** ", 1)[1] == period
    assert re.findall(r"\[`([a-z0-9_]+)`\]", lines["Sources"]) == rule["catalogue"]
    assert lines["Summary"].split(":** ", 1)[1] == rule["description"]


def test_every_source_a_rule_names_is_explained_and_every_source_is_used() -> None:
    used = {c for r in RULES.values() for c in r["catalogue"]}
    explained = {k for k in SOURCES if re.fullmatch(r"[a-z][a-z0-9_]*", k) and "_" in k}
    assert sorted(used - set(SOURCES)) == []
    assert sorted(explained - used) == []


def test_the_statute_page_quotes_every_paragraph_a_kl_or_fl_rule_cites() -> None:
    lines = (LEGAL / "statutes.md").read_text(encoding="utf-8").splitlines()
    text = " ".join(line.lstrip("> ").strip() for line in lines)  # quotes wrap over lines
    for chapter_section in ("5 kap. 46–49", "6 kap. 28", "6 kap. 29–32", "7 kap. 4", "9 kap."):
        assert chapter_section in text
    for quote in (
        "är eller har varit ställföreträdare eller ombud",
        "tidigare har deltagit i handläggningen av ärendet hos en annan nämnd",
        "personligen rör",
        "I så fall tillämpas 7 kap. 4-8 §§",
        "i egenskap av överordnad instans",
        "ägnad att rubba förtroendet",
    ):
        assert quote in text, quote
