"""Which law governs a participant, and which version of it, on as_of (rules.md §1).

The regime follows the participant's forum: the kind of the handling committee, the kind
of its organisation, and whether the participant sits as an elected member or works as
staff. The version follows the screened date. Every finding names the version used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from app.rules.registry import Regime
from app.rules.vocab import ASSEMBLY_KINDS, CommitteeKind, OrgKind

KL1991_START = date(1992, 1, 1)
FL1986_START = date(1987, 1, 1)
KL2017_START = date(2018, 1, 1)
KL2022_START = date(2022, 7, 1)
TILLSYNSJAV_START = date(2003, 9, 1)
FL2017_START = date(2018, 7, 1)


@dataclass(frozen=True, slots=True)
class LawVersion:
    code: str
    regime: Regime
    label_sv: str
    label_en: str
    #: Basis added to every finding about staff (KL 7 kap. 4 §), if any.
    staff_basis: str | None = None
    #: False for dates before the engine's earliest modelled act (KL 1977:179, FL
    #: 1971:290): the nearest later act's rules are run and every jäv finding is capped to
    #: mojligt_jav with a note, so that a human checks it against the older act.
    modelled: bool = True


KL6_V22 = LawVersion(
    "KL2017v22",
    Regime.KL6,
    "kommunallagen (2017:725) i lydelse enligt SFS 2022:638, från 2022-07-01",
    "the Local Government Act (2017:725) as amended by SFS 2022:638, from 2022-07-01",
    "7 kap. 4 § kommunallagen (2017:725)",
)
KL6_V18 = LawVersion(
    "KL2017v18",
    Regime.KL6,
    "kommunallagen (2017:725) i ursprunglig lydelse, 2018-01-01 – 2022-06-30",
    "the Local Government Act (2017:725) as originally enacted, 2018-01-01 to 2022-06-30",
    "7 kap. 4 § kommunallagen (2017:725)",
)
KL1991 = LawVersion(
    "KL1991",
    Regime.KL6,
    "kommunallagen (1991:900) i lydelse enligt SFS 2003:519, 2003-09-01 – 2017-12-31",
    "the Local Government Act (1991:900) as amended by SFS 2003:519, 2003-09-01 to 2017-12-31",
)
KL1991_PRE2003 = LawVersion(
    "KL1991pre2003",
    Regime.KL6,
    "kommunallagen (1991:900) i lydelse före 2003-09-01 (utan tillsynsjäv)",
    "the Local Government Act (1991:900) before 2003-09-01 (no supervision ground)",
)
KL5_2017 = LawVersion(
    "KL2017",
    Regime.KL5,
    "kommunallagen (2017:725), från 2018-01-01",
    "the Local Government Act (2017:725), from 2018-01-01",
)
KL5_1991 = LawVersion(
    "KL1991",
    Regime.KL5,
    "kommunallagen (1991:900), före 2018-01-01",
    "the Local Government Act (1991:900), before 2018-01-01",
)
KL1977 = LawVersion(
    "KL1977",
    Regime.KL6,
    "kommunallagen (1977:179), som gällde före 1992-01-01 och inte är modellerad; "
    "motsvarande regler i kommunallagen (1991:900) har använts",
    "the Local Government Act (1977:179), in force before 1992-01-01 and not modelled; the "
    "corresponding rules of the 1991 Act were used",
    modelled=False,
)
KL5_1977 = LawVersion(
    "KL1977",
    Regime.KL5,
    "kommunallagen (1977:179), som gällde före 1992-01-01 och inte är modellerad; "
    "motsvarande regler i kommunallagen (1991:900) har använts",
    "the Local Government Act (1977:179), in force before 1992-01-01 and not modelled; the "
    "corresponding rules of the 1991 Act were used",
    modelled=False,
)
FL1971 = LawVersion(
    "FL1971",
    Regime.FL,
    "förvaltningslagen (1971:290), som gällde före 1987-01-01 och inte är modellerad; "
    "motsvarande regler i förvaltningslagen (1986:223) har använts",
    "the Administrative Procedure Act (1971:290), in force before 1987-01-01 and not "
    "modelled; the corresponding rules of the 1986 Act were used",
    modelled=False,
)
FL2017 = LawVersion(
    "FL2017",
    Regime.FL,
    "förvaltningslagen (2017:900), från 2018-07-01",
    "the Administrative Procedure Act (2017:900), from 2018-07-01",
)
FL1986 = LawVersion(
    "FL1986",
    Regime.FL,
    "förvaltningslagen (1986:223), före 2018-07-01",
    "the Administrative Procedure Act (1986:223), before 2018-07-01",
)


def kl6_version(day: date) -> LawVersion:
    if day >= KL2022_START:
        return KL6_V22
    if day >= KL2017_START:
        return KL6_V18
    if day >= TILLSYNSJAV_START:
        return KL1991
    return KL1991_PRE2003 if day >= KL1991_START else KL1977


@lru_cache(maxsize=1024)
def select_law(
    committee_kind: CommitteeKind | None,
    organisation_kind: OrgKind | None,
    elected: bool,
    day: date,
) -> LawVersion:
    """The law version governing a participant.

    * an organisation of kind ``myndighet`` -> FL (2017:900 from 2018-07-01, else 1986:223);
    * an elected member in fullmäktige or förbundsfullmäktige -> KL 5 kap. 47-48 §§
      (KL 1991 5 kap. 20 § before 2018-01-01);
    * everyone else (nämnd-type bodies, and staff everywhere through KL 7 kap. 4 §, also
      another kommun's staff under avtalssamverkan, KL 9 kap. 37 §) -> KL 6 kap. 28 §
      (v22 from 2022-07-01, v18 from 2018-01-01, KL 1991 6 kap. 25 § before).

    ``revision`` and ``bolagsstyrelse`` committees are screened under the nämnd rules
    (KL 12 kap. 14 § refers to 6 kap. for revisorer; a company board follows ABL 8 kap.
    23 §, which the engine does not model; see the report's open points).
    """
    if organisation_kind is OrgKind.MYNDIGHET:
        if day >= FL2017_START:
            return FL2017
        return FL1986 if day >= FL1986_START else FL1971
    if elected and committee_kind in ASSEMBLY_KINDS:
        if day >= KL2017_START:
            return KL5_2017
        return KL5_1991 if day >= KL1991_START else KL5_1977
    return kl6_version(day)
