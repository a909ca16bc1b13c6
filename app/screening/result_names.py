"""Names for the refs a screening answer gives (contract, "People by name")."""

from __future__ import annotations

from app.rules.facts import FactsSnapshot, OrganisationSnapshot

Snapshot = FactsSnapshot | OrganisationSnapshot


def display_name(snapshot: Snapshot, ref: str) -> str | None:
    """The registry name of any object the snapshot holds, or None (a case ref, a code)."""
    for table in (
        snapshot.persons,
        snapshot.organisations,
        snapshot.committees,
        snapshot.administrations,
        snapshot.operations,
    ):
        found = table.get(ref)
        if found is not None and found.name:
            return found.name
    return None


def person_name(snapshot: Snapshot, ref: str) -> str:
    """A screened person's name; the ref only if the registry gave none."""
    person = snapshot.persons.get(ref)
    return person.name if person is not None and person.name else ref
