"""Planted cases: for each ground of jäv and each structural risk, cases built (with the
registry facts they need) so that screening must find them; `expect` names the person the
planted facts concern."""

from __future__ import annotations

from bench.generator.cases import CaseBuilder, ledamoter, participants
from bench.generator.names import FIRST, LAST
from bench.generator.scales import AS_OF, EARLIER_FROM, EARLIER_TO, MANDATE_FROM, MANDATE_TO
from bench.generator.state import Body, Generator


def supervising(k: Body) -> str:
    """The kommun's supervising nämnd: miljö- och bygg, or the samhällsbyggnadsnämnd."""
    return "mbn" if "mbn" in k.committees else "sbn"


def plant_scenarios(gen: Generator, cases: CaseBuilder) -> None:
    """`per_scenario` rounds; each plants one case per ground and structural risk (when the
    registry has the bodies it needs) in a kommun picked by the round."""
    rng, s = gen.rng, gen.scale
    kommuner = gen.kommuner
    with_tn = [k for k in kommuner if "tn" in k.committees] or kommuner
    with_sbn = [k for k in kommuner if "sbn" in k.committees]
    shared = [k for k in kommuner if k.shared_admin]
    for i in range(s.per_scenario):
        k = kommuner[(i * 5 + 1) % len(kommuner)]
        sup = supervising(k)
        members = ledamoter(k, sup)
        # part: a ledamot applies for a bygglov in their own nämnd
        p = members[2 % len(members)]
        cases.add(
            "part",
            cases.base(
                k,
                sup,
                "myndighetsutovning",
                "bygg",
                "Ansökan om bygglov",
                [{"person": p, "role": "sokande"}],
            ),
            p,
        )
        # paverkan: a ledamot owns half of the applicant company
        p = members[3 % len(members)]
        company = rng.choice(gen.bolag)
        gen.add_interest(p, ("organisation", company), "agare", share_percent=50)
        cases.add(
            "paverkan",
            cases.base(
                k,
                sup,
                "myndighetsutovning",
                "bygg",
                "Bygglov för industrilokal",
                [{"organisation": company, "role": "sokande"}],
            ),
            p,
        )
        # stallforetradare: a ledamot's spouse sits on the applicant's board
        p = members[4 % len(members)]
        spouse = rng.choice(gen.employees)
        gen.relate(p, spouse, "make")
        company = rng.choice(gen.bolag)
        gen.add_interest(spouse, ("organisation", company), "styrelseledamot")
        cases.add(
            "stallforetradare",
            cases.base(
                k,
                sup,
                "myndighetsutovning",
                "bygg",
                "Strandskyddsdispens",
                [{"organisation": company, "role": "sokande"}],
            ),
            p,
        )
        # generalklausul: close friendship with the applicant
        p = members[5 % len(members)]
        friend = rng.choice(gen.employees)
        gen.relate(p, friend, "nara_van")
        cases.add(
            "generalklausul",
            cases.base(
                k,
                sup,
                "myndighetsutovning",
                "bygg",
                "Förhandsbesked",
                [{"person": friend, "role": "sokande"}],
            ),
            p,
        )
        # tillsynsjav + dubbla_roller: a mbn ledamot also sits in the tekniska nämnden
        kt = with_tn[i % len(with_tn)]
        mbn_members = ledamoter(kt, "mbn")
        p = mbn_members[1 % len(mbn_members)]
        gen.appoint(
            p,
            {"committee": kt.committees["tn"]},
            "ledamot",
            valid_from=MANDATE_FROM,
            valid_to=MANDATE_TO,
        )
        op_ref = kt.operations["reningsverk"][0]
        for scenario in ("tillsynsjav", "dubbla_roller"):
            cases.add(
                scenario,
                cases.base(
                    kt,
                    "mbn",
                    "tillsyn",
                    "va",
                    "Tillsyn av reningsverket",
                    [{"operation": op_ref, "role": "tillsynsobjekt"}],
                ),
                p,
            )
        # tvainstans: a former ledamot of a kommun's nämnd now decides at a myndighet
        if gen.myndigheter:
            m = gen.myndigheter[i % len(gen.myndigheter)]
            p = gen.add_person(1.0)
            gen.employees.append(p)
            gen.appoint(
                p,
                {"administration": m.admins["beslut"]},
                "handlaggare",
                valid_from="2024-01-01",
            )
            gen.appoint(
                p,
                {"committee": k.committees[sup]},
                "ledamot",
                valid_from=EARLIER_FROM,
                valid_to=EARLIER_TO,
            )
            cases.add(
                "tvainstans",
                {
                    "ref": f"{m.ref.upper()} 505-{i + 1}-2026",
                    "committee": m.committees["beslut"],
                    "area": "bygg",
                    "matter": "overprovning",
                    "title": f"Överklagat beslut från {k.name}",
                    "decision_date": AS_OF,
                    "parties": [
                        {"organisation": k.ref, "role": "motpart"},
                        {"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "role": "klagande"},
                    ],
                    "earlier_handling": [
                        {
                            "person": p,
                            "organisation": k.ref,
                            "committee": k.committees[sup],
                            "final": True,
                        }
                    ],
                    "participants": [{"person": p, "role": "beslutsfattare"}]
                    + [
                        {"person": q, "role": "handlaggare"}
                        for q in m.staff.get(m.admins["beslut"], [])[1:3]
                    ],
                },
                p,
            )
        # fullmaktige: a detaljplan that concerns a member's own property
        kf_members = ledamoter(k, "kf")
        p = kf_members[6 % len(kf_members)]
        cases.add(
            "fullmaktige",
            cases.base(
                k,
                "kf",
                "normgivning",
                "bygg",
                "Detaljplan för kvarteret Eken",
                [{"person": p, "role": "berord"}],
            ),
            p,
        )
        # ansvarsfrihet: fullmäktige grants discharge to a nämnd a member sits in
        drift = "sbn" if "sbn" in k.committees else "tn"
        p = kf_members[7 % len(kf_members)]
        gen.appoint(
            p,
            {"committee": k.committees[drift]},
            "ledamot",
            valid_from=MANDATE_FROM,
            valid_to=MANDATE_TO,
        )
        cases.add(
            "ansvarsfrihet",
            cases.base(
                k,
                "kf",
                "ansvarsfrihet",
                "ovrigt",
                "Ansvarsfrihet för år 2025",
                [{"committee": k.committees[drift], "role": "part"}],
            ),
            p,
        )
        # egen_tillsyn: the samhällsbyggnadsnämnd supervises its own reningsverk
        kb = with_sbn[i % len(with_sbn)] if with_sbn else None
        if kb is not None:
            cases.add(
                "egen_tillsyn",
                cases.base(
                    kb,
                    "sbn",
                    "tillsyn",
                    "va",
                    "Tillsyn av reningsverket",
                    [{"operation": kb.operations["reningsverk"][0], "role": "tillsynsobjekt"}],
                ),
            )
        # delad_forvaltning: one förvaltning serves mbn and tn
        if shared:
            kd = shared[i % len(shared)]
            cases.add(
                "delad_forvaltning",
                cases.base(
                    kd,
                    "mbn",
                    "tillsyn",
                    "avfall",
                    "Tillsyn av återvinningscentralen",
                    [{"operation": kd.operations["avfall"][0], "role": "tillsynsobjekt"}],
                ),
            )
        # samverkan_egen_drift: a gemensam miljönämnd supervises the host's reningsverk
        env = [g for g in gen.gemensamma if g[3] == "miljo_halsoskydd"]
        if env:
            ref, host, _partners, _area, aref = env[i % len(env)]
            cases.add(
                "samverkan_egen_drift",
                {
                    "ref": f"{host.ref.upper()} GN 2026/{900 + i}",
                    "committee": ref,
                    "area": "va",
                    "matter": "tillsyn",
                    "title": "Tillsyn av värdkommunens reningsverk",
                    "decision_date": AS_OF,
                    "parties": [
                        {
                            "operation": host.operations["reningsverk"][0],
                            "role": "tillsynsobjekt",
                        }
                    ],
                    "participants": participants(host.members.get(ref, [])),
                },
            )
