"""A kommun sharing an object with another may not take it over, evict the other, or make
the other's company shared (a fourth review of run N): a limited key cannot take a
reference outside its scope out of a stored object (422 `out_of_scope` at the field)."""

from __future__ import annotations

from collections.abc import Callable

from tests.security.scope_world import IN_CASE, JOINT_VENTURE, World
from tests.support.api import ApiClient, path_ref
from tests.support.registry import import_document


def test_a_participant_evicts_the_host_from_its_gemensam_namnd(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    """ab-mbn is Ankeby's gemensam nämnd; Borby takes part. Borby's registry key makes
    itself the host and drops Ankeby: Ankeby's own committee, its cases and Anna's seat
    vanish from Ankeby's keys, and only Borby (or an unlimited key) can change it back."""
    ankeby = world.keys["registry"]
    borby = client_for("registry", ["borby"])
    assert ankeby.get(f"/v1/cases/{path_ref(IN_CASE)}").status_code == 200
    took = borby.patch(
        "/v1/committees/ab-mbn", json={"organisation": "borby", "participants": ["borby"]}
    )
    committee = ankeby.get("/v1/committees/ab-mbn")
    case = ankeby.get(f"/v1/cases/{path_ref(IN_CASE)}")
    anna = ankeby.get("/v1/persons/p-anna")
    # Borby may not take Ankeby's nämnd (and with it Ankeby's cases) away from Ankeby.
    assert (took.status_code, committee.status_code, case.status_code, anna.status_code) == (
        422,
        200,
        200,
        200,
    ), took.text[:300]


def test_a_served_kommun_takes_the_hosts_administration_and_its_staff(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    """ab-miljo is Ankeby's förvaltning serving the gemensam nämnd. Borby's key moves it
    to Borby and ends its service: Ankeby loses its own administration and Olof."""
    ankeby = world.keys["registry"]
    borby = client_for("registry", ["borby"])
    took = borby.patch("/v1/administrations/ab-miljo", json={"organisation": "borby", "serves": []})
    adm = ankeby.get("/v1/administrations/ab-miljo")
    olof = ankeby.get("/v1/persons/p-olof")
    assert (took.status_code, adm.status_code, olof.status_code) == (422, 200, 200), took.text[:300]


def test_dropping_a_co_owner_makes_its_company_shared(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    """Cederby and Ankeby Vatten AB own a joint venture; the joint venture owns a
    subsidiary (Cederby's and, through its company, Ankeby's; hidden from Borby). Ankeby's
    key drops Cederby from the joint venture's owners (it keeps its own company as owner,
    so no takeover). Before run O scope followed two levels: the subsidiary was then owned
    by no public body within them, i.e. shared reference data, read by every kommun. Since
    run O ownership is followed to any depth (Ankeby sees the subsidiary three levels
    down), and the drop is still refused: it takes Cederby's ownership away."""
    import_document(admin, JOINT_VENTURE)
    ankeby = world.keys["registry"]
    borby = client_for("registry", ["borby"])
    cederby = client_for("registry", ["cederby"])
    assert cederby.get("/v1/organisations/cederby-dotter").status_code == 200
    assert borby.get("/v1/organisations/cederby-dotter").status_code == 404
    assert ankeby.get("/v1/organisations/cederby-dotter").status_code == 200
    dropped = ankeby.patch(
        "/v1/organisations/joint-ab",
        json={"owners": [{"organisation": "ankeby-vatten", "share_percent": 100}]},
    )
    seen = (
        ankeby.get("/v1/organisations/cederby-dotter").status_code,
        borby.get("/v1/organisations/cederby-dotter").status_code,
        cederby.get("/v1/organisations/joint-ab").status_code,
    )
    # Ankeby may not remove Cederby's ownership, nor turn Cederby's company into shared
    # data read by Borby.
    assert (dropped.status_code, seen) == (422, (200, 404, 200)), (dropped.text[:300], seen)


def test_a_principal_takes_over_the_performers_agreement(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    """avtal-2024-7: Ankeby performs livsmedel supervision for Borby. Borby's key makes
    itself the performer and drops Ankeby: Ankeby's agreement is gone from its keys."""
    ankeby = world.keys["registry"]
    borby = client_for("registry", ["borby"])
    took = borby.patch("/v1/agreements/avtal-2024-7", json={"performer": "borby", "principals": []})
    seen = ankeby.get("/v1/agreements/avtal-2024-7")
    assert (took.status_code, seen.status_code) == (422, 200), took.text[:300]
