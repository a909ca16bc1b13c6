"""The statute behind the seat allocation, by rule id (quotes and sources: docs/legal/meetings.md).

Each rule id names one step of `seating.allocate`; the answer of every meeting item lists
the rules it applied (`rules`) with their `legal_basis`, as the jäv rules do. Where the
statute leaves a step to fullmäktige (the reglemente, KL 6 kap. 16, 17 and 22 §§) the
rule says so in `basis_kind` ("reglemente") and follows the contract's default.
"""

from __future__ import annotations

from dataclasses import dataclass

KL = "kommunallagen (2017:725)"


@dataclass(frozen=True, slots=True)
class MeetingRule:
    id: str
    legal_basis: tuple[str, ...]
    #: "statute": the statute decides; "reglemente": the statute leaves it to fullmäktige,
    #: and Jävskoll applies the contract's default (the client's registry may override it).
    basis_kind: str
    summary: str


RULES: dict[str, MeetingRule] = {
    r.id: r
    for r in (
        MeetingRule(
            "kl6_27_beslutforhet",
            (f"6 kap. 27 § {KL}",),
            "statute",
            "A nämnd may handle matters only when more than half of its ledamöter are "
            "present; a jävig member does not count (6 kap. 30 §).",
        ),
        MeetingRule(
            "kl5_45_beslutforhet",
            (f"5 kap. 45 § {KL}",),
            "statute",
            "Fullmäktige may handle a matter only when more than half of its ledamöter "
            "are present.",
        ),
        MeetingRule(
            "kl5_46_jav_beslutforhet",
            (f"5 kap. 46 § {KL}",),
            "statute",
            "Fullmäktige may handle the matter although jäv under 47 or 48 § brings the "
            "number taking part below the 45 § quorum.",
        ),
        MeetingRule(
            "kl6_30_steps_out",
            (f"6 kap. 30 § första stycket {KL}", f"7 kap. 4 § {KL}"),
            "statute",
            "A jävig förtroendevald (and, through 7 kap. 4 §, a jävig employee) may neither "
            "take part in nor be present at the handling of the matter.",
        ),
        MeetingRule(
            "kl5_47_steps_out",
            (f"5 kap. 47 § {KL}",),
            "statute",
            "A fullmäktige ledamot may not take part in handling a matter that personally "
            "concerns them or a närstående (presence is not barred).",
        ),
        MeetingRule(
            "kl6_30_to_assess",
            (f"6 kap. 30 § tredje stycket {KL}",),
            "statute",
            "When a question of jäv has arisen the nämnd decides it promptly; until then "
            "the member keeps the seat.",
        ),
        MeetingRule(
            "kl6_16_17_ersattare_order",
            (f"6 kap. 16 § {KL}", f"6 kap. 17 § {KL}"),
            "reglemente",
            "Fullmäktige decides the ersättare's order of service: per-ledamot substitutes, "
            "else substitution_order for the ledamot's party, else the own party's ersättare "
            "by order and then the others by order (the contract's default).",
        ),
        MeetingRule(
            "kl5_17_20_ersattare_fullmaktige",
            (f"5 kap. 17 § {KL}", f"5 kap. 18 § {KL}", f"5 kap. 20 § {KL}"),
            "statute",
            "In fullmäktige an ersättare serves for a ledamot who cannot take part, in the "
            "order decided between them; an ersättare (18 §) and a ledamot (20 §, a "
            "contrario) who stepped out for jäv serve again after the matter.",
        ),
        MeetingRule(
            "reglemente_serves_again",
            (f"6 kap. 17 § {KL}", f"5 kap. 18 och 20 §§ {KL} (analogy)"),
            "reglemente",
            "A nämnd ledamot who stepped out for jäv in one item serves again from the next, "
            "and an ersättare who has begun to serve keeps the seat while it stays vacant "
            "(the reglemente's usual rules, mirroring 5 kap. 18-20 §§).",
        ),
        MeetingRule(
            "kl6_21_22_chair",
            (f"6 kap. 21 § {KL}", f"6 kap. 22 § {KL}"),
            "reglemente",
            "The ordförande presides, else a vice ordförande (21 §); when neither can, "
            "fullmäktige decides who (22 §): by default the serving ledamot with the longest "
            "appointment (valid_from).",
        ),
        MeetingRule(
            "kl9_23_24_gemensam_namnd",
            (f"9 kap. 23 § {KL}", f"9 kap. 24 § {KL}", f"9 kap. 33 § {KL}"),
            "reglemente",
            "In a gemensam nämnd each participating kommun elects its own ledamöter and "
            "ersättare (24 §); by default only ersättare appointed by the ledamot's own "
            "kommun enter for that ledamot, unless the ledamot's substitutes list says "
            "otherwise (the reglemente, adopted by every participant, 33 §).",
        ),
    )
}


def basis(*rule_ids: str) -> list[str]:
    """The legal basis of the given rules, each statute once, in order."""
    out: list[str] = []
    for rule_id in rule_ids:
        for text in RULES[rule_id].legal_basis:
            if text not in out:
                out.append(text)
    return out
