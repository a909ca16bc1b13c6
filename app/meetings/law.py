"""The statute behind the seat allocation, by rule id (quotes and sources: docs/legal/meetings.md).

Each rule id names one step of `seating.allocate`; the answer of every meeting item lists
the rules it applied (`rules`) with their `legal_basis` and the `period` it is for, as the
jäv rules do. Where the statute leaves a step to fullmäktige (the reglemente, KL 6 kap. 16,
17 and 22 §§) the rule says so in `basis_kind` ("reglemente") and follows the contract's
default.

By the meeting's date: KL (2017:725) from 2018-01-01; before, the old Kommunallagen
(1991:900). A rule cites the 1991 provision where its paragraph was verified
(`legal_basis_1991`); where it was not, it cites the 2017 provision with a note saying so
(`UNVERIFIED_1991`) rather than guess a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

KL = "kommunallagen (2017:725)"
KL91 = "kommunallagen (1991:900)"
KL_2017_FROM = date(2018, 1, 1)
PERIOD_2017 = "2018-01-01–"
PERIOD_1991 = "–2017-12-31"
UNVERIFIED_1991 = (
    f"(sammanträdet är före 2018-01-01, då {KL91} gällde; den motsvarande paragrafen "
    f"i {KL91} är inte verifierad, så bestämmelsen i {KL} anges)"
)


@dataclass(frozen=True, slots=True)
class MeetingRule:
    id: str
    legal_basis: tuple[str, ...]
    #: "statute": the statute decides; "reglemente": the statute leaves it to fullmäktige,
    #: and Jävskoll applies the contract's default (the client's registry may override it).
    basis_kind: str
    summary: str
    #: The provisions of KL (1991:900) for meetings before 2018-01-01, where verified
    #: against the statute (or its quotation in case law); () when not verified.
    legal_basis_1991: tuple[str, ...] = ()


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
        # Before 2018: KL (1991:900) 6 kap. 25 § (SFS 2003:519) "En förtroendevald eller en
        # anställd hos kommunen eller landstinget är jävig, om …"; 6 kap. 24 § (secondary
        # sources only: "en förtroendevald som är jävig i ett ärende hos en nämnd [får] inte
        # delta eller närvara vid handläggningen av ärendet"; SFS 1994:690 amended 24 §
        # from 1994-07-01, its earlier wording unverified). docs/legal/meetings.md.
        MeetingRule(
            "kl6_30_steps_out",
            (f"6 kap. 30 § första stycket {KL}", f"7 kap. 4 § {KL}"),
            "statute",
            "A jävig förtroendevald (and, through 7 kap. 4 §, a jävig employee) may neither "
            "take part in nor be present at the handling of the matter.",
            (f"6 kap. 24 § {KL91}", f"6 kap. 25 § {KL91}"),
        ),
        # Before 2018: KL (1991:900) 5 kap. 20 § första stycket, "En ledamot får inte delta
        # i handläggningen av ett ärende som personligen rör ledamoten själv, ledamotens
        # make, sambo, föräldrar, barn eller syskon eller någon annan närstående" (as quoted
        # by FR Göteborg 2019; the paragraph: HFD 2014:59).
        MeetingRule(
            "kl5_47_steps_out",
            (f"5 kap. 47 § {KL}",),
            "statute",
            "A fullmäktige ledamot may not take part in handling a matter that personally "
            "concerns them or a närstående (presence is not barred).",
            (f"5 kap. 20 § första stycket {KL91}",),
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
            "fullmäktige decides who (22 §): by default the serving ledamot who has sat "
            "longest without a break (consecutive appointments count as one), among equals "
            "the eldest.",
        ),
        MeetingRule(
            "kl5_11_chair",
            (f"5 kap. 11 § {KL}", f"5 kap. 72 § {KL}"),
            "reglemente",
            "Fullmäktige's ordförande presides, else a vice ordförande (11 §); who presides "
            "when none of them can is the arbetsordning's (72 §): by default the serving "
            "ledamot who has sat longest without a break, among equals the eldest "
            "(the ålderspresident).",
        ),
        MeetingRule(
            "reglemente_utskott_beslutforhet",
            (f"6 kap. 41 § {KL}", f"6 kap. 42 § {KL}"),
            "reglemente",
            "An utskott is chosen by the nämnd among its ledamöter and ersättare (42 §); "
            "KL sets no quorum for it (6 kap. 27 § is the nämnd's). By default, as in the "
            "usual reglemente: more than half of its ledamöter.",
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


def old_act(day: date | None) -> bool:
    """Whether a meeting on `day` is under KL (1991:900) (before 2018-01-01)."""
    return day is not None and day < KL_2017_FROM


def period(day: date | None) -> str:
    return PERIOD_1991 if old_act(day) else PERIOD_2017


def rule_basis(rule_id: str, day: date | None = None) -> list[str]:
    """One rule's legal basis for a meeting on `day` (today's act when no day)."""
    rule = RULES[rule_id]
    if not old_act(day):
        return list(rule.legal_basis)
    if rule.legal_basis_1991:
        return list(rule.legal_basis_1991)
    return [*rule.legal_basis, UNVERIFIED_1991]


def basis(*rule_ids: str, day: date | None = None) -> list[str]:
    """The legal basis of the given rules, each statute once, in order."""
    out: list[str] = []
    for rule_id in rule_ids:
        for text in rule_basis(rule_id, day):
            if text not in out:
                out.append(text)
    return out


# The statute the minutes and the Word document name in running text, by meeting date:
# (Swedish, English). Before 2018 a paragraph not verified in KL (1991:900) is named by
# the act, with the 2017 paragraph it now is.
_TEXT_CITES: dict[str, tuple[str, str, str, str]] = {
    # key: (sv 2018-, en 2018-, sv before 2018, en before 2018)
    "jav_assessed": (
        "6 kap. 30 § kommunallagen",
        "KL 6:30",
        f"{KL91}; se nu 6 kap. 30 § {KL}",
        "Local Government Act 1991:900; now KL 2017:725 6:30",
    ),
    # In fullmäktige: 5 kap. 47 § 2 st. applies 6 kap. 30 § with fullmäktige for nämnd.
    "jav_assessed_fullmaktige": (
        "5 kap. 47 § andra stycket och 6 kap. 30 § kommunallagen",
        "KL 5:47 second para. and 6:30",
        f"{KL91}; se nu 5 kap. 47 § andra stycket {KL}",
        "Local Government Act 1991:900; now KL 2017:725 5:47 second para.",
    ),
    "jav_quorum": (
        "5 kap. 46 § kommunallagen",
        "KL 5:46",
        f"{KL91}; se nu 5 kap. 46 § {KL}",
        "Local Government Act 1991:900; now KL 2017:725 5:46",
    ),
}


def cite(key: str, day: date | None, *, english: bool = False) -> str:
    sv, en, sv_old, en_old = _TEXT_CITES[key]
    if old_act(day):
        return en_old if english else sv_old
    return en if english else sv
