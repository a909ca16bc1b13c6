"""Ground ``tillsynsjav``: the case is supervision of municipal activity the participant
is "knuten till" (see :mod:`app.rules.supervision` for the attachment list)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from app.rules.context import Context
from app.rules.grounds.common import hit
from app.rules.model import Hit
from app.rules.participants import Subject
from app.rules.registry import Regime, rule
from app.rules.supervision import attachments
from app.rules.vocab import Ground, Level

REASONS: dict[str, tuple[str, str]] = {
    "seat": (
        "Ärendet rör tillsyn över kommunal verksamhet som personen är knuten till som "
        "förtroendevald i det organ som driver den.",
        "The case is supervision of a municipal operation the person is attached to as "
        "a member of the body that runs it.",
    ),
    "organisation": (
        "Ärendet rör tillsyn över kommunal verksamhet som drivs av en "
        "organisation där personen har styrelseuppdrag, är VD eller är anställd.",
        "The case is supervision of a municipal operation run by an organisation "
        "where the person sits on the board, is managing director or works.",
    ),
    "chef_line": (
        "Ärendet rör tillsyn över kommunal verksamhet; personen är förvaltningschef "
        "för en förvaltning som betjänar den driftansvariga nämnden (chefslinjen).",
        "The case is supervision of a municipal operation; the person heads an "
        "administration serving the committee that runs it (the chef line).",
    ),
    "drift_staff": (
        "Ärendet rör tillsyn över kommunal verksamhet; personen arbetar i en "
        "förvaltning som betjänar den driftansvariga nämnden men inte den "
        "tillsynsansvariga.",
        "The case is supervision of a municipal operation; the person works in an "
        "administration that serves the operating committee and not the "
        "supervising one.",
    ),
    "works_with": (
        "Ärendet rör tillsyn över kommunal verksamhet; personen arbetar i en delad "
        "förvaltning med drift inom samma område.",
        "The case is supervision of a municipal operation; the person works with "
        "running that kind of operation in a shared administration.",
    ),
}
DESCRIPTION = (
    "The case is tillsyn over a municipal operation the participant is attached "
    "to (seat in the operating body, its company board or staff, drift staff, chef line)."
)


def tillsyn_hits(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """One hit per participant and supervised municipal unit: the most direct attachment.
    Only the person's own attachments count ("han eller hon själv")."""
    for unit in ctx.supervised:
        if not unit.municipal:
            continue
        for s in subjects:
            found = attachments(ctx, s.facts, unit)
            if found:
                first = found[0]
                yield hit(
                    s,
                    None,
                    Level.JAV,
                    (*first.path, *unit.path),
                    REASONS[first.reason],
                    unit,
                    organisation=unit.operator_org if first.reason == "organisation" else None,
                )


@rule(
    id="kl6_28_p3_tillsyn_v22",
    ground=Ground.TILLSYNSJAV,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_from=date(2022, 7, 1),
    description=DESCRIPTION,
    legal_basis=["6 kap. 28 § första stycket 3 kommunallagen (2017:725)"],
    catalogue=[
        "kl6_28_p3_tillsyn_v22",
        "kl6_28_p3_tillsyn",
        "struct_cross_body_link",
        "avtal_tillsynssida",
    ],
)
def kl6_28_p3_tillsyn_v22(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 28 § 3 p. as amended by SFS 2022:638 (from 2022-07-01): "ärendet rör
    tillsyn över sådan kommunal verksamhet som han eller hon själv är knuten till"
    (docs/legal/statutes.md Q1 confirms the point survived). The 6:31 company exception never
    removes it. Reach of "knuten till" across organisations (gemensam nämnd, förbund,
    avtalssamverkan) is UNVERIFIED (docs/legal/sources.md g15): implemented per
    docs/legal/rules.md §2, where under avtalssamverkan the performer's tillsyn committee is
    on the supervising side (source avtal_tillsynssida)."""
    return tillsyn_hits(ctx, subjects)


@rule(
    id="kl6_28_p3_tillsyn_v18",
    ground=Ground.TILLSYNSJAV,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_from=date(2018, 1, 1),
    valid_to=date(2022, 6, 30),
    description=DESCRIPTION,
    legal_basis=["6 kap. 28 § första stycket 3 kommunallagen (2017:725) i ursprunglig lydelse"],
    catalogue=["kl6_28_p3_tillsyn", "avtal_tillsynssida"],
)
def kl6_28_p3_tillsyn_v18(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL 6 kap. 28 § 3 p., original wording (2018-01-01 - 2022-06-30); same substance
    as KL 1991 6:25 3 p. JO 581-2004: drift and tillsyn in the same nämnd or with the same
    persons in the administration."""
    return tillsyn_hits(ctx, subjects)


@rule(
    id="kl91_6_25_p3_tillsyn",
    ground=Ground.TILLSYNSJAV,
    level=Level.JAV,
    regime=Regime.KL6,
    valid_from=date(2003, 9, 1),
    valid_to=date(2017, 12, 31),
    description=DESCRIPTION,
    legal_basis=["6 kap. 25 § 3 kommunallagen (1991:900)"],
    catalogue=["kl91_6_25_p3", "struct_same_namnd_drift_tillsyn", "avtal_tillsynssida"],
)
def kl91_6_25_p3_tillsyn(ctx: Context, subjects: Sequence[Subject]) -> Iterator[Hit]:
    """KL (1991:900) 6 kap. 25 § 3 p., inserted by SFS 2003:519 (2003-09-01 - 2017-12-31).
    Before 2003-09-01 there was no tillsynsjäv; such attachments fall to the general
    clause (mojligt_jav)."""
    return tillsyn_hits(ctx, subjects)
