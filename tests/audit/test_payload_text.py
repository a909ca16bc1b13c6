"""The pre-serialised payload equals canonical JSON of the whole entry, for any data."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from app.audit.chain import Actor, canonical_json, payload_text, prepare

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),  # text includes å, ä, ö, quotes
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(
    data=st.dictionaries(st.text(max_size=10), json_values, max_size=5),
    kind=st.text(min_size=1, max_size=20),
    name=st.none() | st.text(max_size=20),
    key_id=st.none() | st.integers(min_value=1),
    sequence=st.integers(min_value=1, max_value=2**62),
    chain=st.integers(min_value=1, max_value=2**31),
    organisations=st.lists(st.integers(min_value=1, max_value=2**62), max_size=4),
)
def test_spliced_payload_equals_canonical_json_of_the_entry(
    data: dict[str, object],
    kind: str,
    name: str | None,
    key_id: int | None,
    sequence: int,
    chain: int,
    organisations: list[int],
) -> None:
    created_at = datetime(2026, 3, 10, 9, 12, 44, 123456, tzinfo=UTC)
    prepared = prepare(kind=kind, actor=Actor(key_id, name), data=data, organisations=organisations)
    whole = {
        "sequence": sequence,
        "chain": chain,
        "created_at": created_at.isoformat(),
        "kind": kind,
        "actor": {"key_id": key_id, "name": name},
        "organisations": sorted(set(organisations)),
        "data": data,
        "nonce": prepared.nonce,
    }
    text = payload_text(prepared, chain=chain, sequence=sequence, created_at=created_at)
    assert text == canonical_json(whole)
    assert json.loads(text) == whole


def test_subjects_are_deduplicated_and_empty_refs_dropped() -> None:
    prepared = prepare(
        kind="screening",
        actor=Actor(1, "k"),
        data={},
        subjects=[("case", "A"), ("case", "A"), ("person", ""), ("person", "p1")],
        organisations=[],
    )
    assert prepared.subjects == (("case", "A"), ("person", "p1"))


def test_the_chain_follows_the_one_organisation_or_is_named() -> None:
    actor = Actor(1, "k")
    one = prepare(kind="k", actor=actor, data={}, organisations=[5, None, 5])
    assert (one.chain_organisation, one.organisations) == (5, (5,))
    several = prepare(kind="k", actor=actor, data={}, organisations=[5, 6])
    assert (several.chain_organisation, several.organisations) == (None, (5, 6))
    named = prepare(kind="k", actor=actor, data={}, organisations=[6], chain_organisation=5)
    assert (named.chain_organisation, named.organisations) == (5, (5, 6))
    system = prepare(kind="k", actor=actor, data={}, organisations=[5], chain_organisation=None)
    assert (system.chain_organisation, system.organisations) == (None, (5,))


def test_every_entry_has_a_nonce_of_its_own() -> None:
    """128 random bits in each payload: the hashes around an entry a reader may not read
    confirm no guess of it (app/audit/chain.py)."""
    one, two = (prepare(kind="k", actor=Actor(1, "k"), data={}, organisations=[5]) for _ in "12")
    assert one.nonce != two.nonce and len(one.nonce) == 32
    created_at = datetime(2026, 3, 10, tzinfo=UTC)
    texts = {payload_text(p, chain=1, sequence=1, created_at=created_at) for p in (one, two)}
    assert len(texts) == 2
