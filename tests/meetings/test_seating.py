"""The seat allocation itself (pure): the corners the worked meetings do not reach."""

from __future__ import annotations

from datetime import date

from app.meetings.seating import Body, Flag, Member, allocate

NAMND = Body("n", "namnd", seats=5)


def led(person: str, party: str = "S", **kw: object) -> Member:
    return Member(person, person.upper(), True, party, **kw)  # type: ignore[arg-type]


def ers(person: str, party: str = "S", order: int = 1, **kw: object) -> Member:
    return Member(person, person.upper(), False, party, order, **kw)  # type: ignore[arg-type]


def jav(person: str, level: str = "jav") -> Flag:
    return Flag(person, person.upper(), level, "ledamot", ("part",))


def seat_map(seating) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {t.seat_of.person: t.person.person for t in seating.seats}


def test_a_vacant_seat_counts_in_the_total_and_stays_empty() -> None:
    members = [led("a"), led("b"), led("c"), ers("x")]
    s = allocate(NAMND, members, {"a", "b", "c", "x"}, [])
    assert (s.serving, s.seats_total, s.quorum, s.quorate) == (3, 5, 3, True)
    assert s.seats == ()


def test_seats_default_to_the_ledamoter_appointed() -> None:
    s = allocate(Body("n", "namnd"), [led("a"), led("b")], {"a"}, [])
    assert (s.serving, s.seats_total, s.quorum, s.quorate) == (1, 2, 2, False)


def test_the_per_ledamot_list_wins_and_does_not_fall_through() -> None:
    members = [
        led("a", substitutes=("y",)),
        led("b"),
        led("c"),
        ers("x", order=1),
        ers("y", order=2),
    ]
    s = allocate(NAMND, members, {"b", "c", "x"}, [])  # y absent: nobody else enters for a
    assert seat_map(s) == {}
    assert [(t.person.person, t.seat_of.person) for t in s.summon] == [("y", "a")]


def test_without_an_order_for_the_party_own_party_first_then_the_rest_by_order() -> None:
    members = [
        led("a", "C"),
        led("b"),
        led("c"),
        ers("m", "M", 1),
        ers("s2", "S", 2),
        ers("c1", "C", 3),
    ]
    s = allocate(NAMND, members, {"b", "c", "m", "s2"}, [])
    assert seat_map(s) == {"a": "m"}  # no C ersättare present: M 1 before S 2


def test_fullmaktige_takes_only_the_own_partys_ersattare() -> None:
    kf = Body("kf", "fullmaktige", seats=3)
    members = [led("a", "C"), led("b"), led("c"), ers("s1", "S", 1)]
    s = allocate(kf, members, {"a", "b", "c", "s1"}, [jav("a")])
    assert seat_map(s) == {}
    assert (s.serving, s.quorum, s.quorate, s.quorate_by_jav_exception) == (2, 2, True, False)


def test_fullmaktige_below_quorum_for_another_reason_than_jav_is_not_quorate() -> None:
    kf = Body("kf", "fullmaktige", seats=5)
    members = [led(p) for p in "abcde"]
    s = allocate(kf, members, {"a", "b"}, [jav("a")])
    assert (s.serving, s.quorum, s.quorate, s.quorate_by_jav_exception) == (1, 3, False, False)


def test_mojligt_jav_keeps_the_seat_but_could_break_quorum() -> None:
    members = [led(p) for p in "abcde"]
    s = allocate(NAMND, members, {"a", "b", "c"}, [jav("c", "mojligt_jav")])
    assert (s.serving, s.quorate, s.quorate_if_assessed_out) == (3, True, False)
    assert [f.person for f, _ in s.to_assess] == ["c"]


def test_the_chair_falls_to_the_longest_appointment_and_absent_members_do_not_step_out() -> None:
    members = [
        led("o", chair_rank=0),
        led("v", chair_rank=1),
        led("old", valid_from=date(2010, 1, 1)),
        led("new", valid_from=date(2022, 1, 1)),
        led("x"),
    ]
    s = allocate(NAMND, members, {"o", "old", "new", "x"}, [jav("o"), jav("v")])
    assert s.chair is not None and s.chair.person == "old"
    assert [f.person for f, _ in s.steps_out] == ["o"]  # v is not there to leave


def test_a_gemensam_namnd_keeps_each_kommuns_seats() -> None:
    gn = Body("g", "gemensam_namnd", seats=2)
    members = [
        led("a", appointed_by="A"),
        led("b", appointed_by="B"),
        ers("ea", order=1, appointed_by="A"),
        ers("eb", order=2, appointed_by="B"),
    ]
    s = allocate(gn, members, {"a", "ea"}, [])
    assert seat_map(s) == {}  # A's ersättare does not sit for B's ledamot
    assert (s.serving, s.quorum, s.quorate) == (1, 2, False)
    assert [(t.person.person, t.seat_of.person) for t in s.summon] == [("eb", "b")]
