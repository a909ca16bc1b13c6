"""A head taken outside the database, and the check that the log still reaches it.

`javskoll audit head` prints every chain's head and the digest over them; stored
elsewhere (the yearly audit report, another system), it catches what the database alone
cannot: a chain whose tail and head row were rewritten together. `javskoll audit verify
--against HEADFILE` checks that every head in the file is still an entry of its chain
with that hash (the chain may have grown since) and that the file is consistent.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.audit import checkpoint
from app.audit.verify import chain_heads
from app.db_types import utcnow

FORMAT = "javskoll-audit-head/1"


def take_head(session: Session) -> dict[str, Any]:
    heads = checkpoint.current_heads(session)
    return {
        "format": FORMAT,
        "taken_at": utcnow().isoformat(),
        "chains": [
            {
                "chain": int(c),
                "organisation": h["organisation"],
                "sequence": h["sequence"],
                "hash": h["hash"],
            }
            for c, h in heads.items()
        ],  # fmt: skip
        "digest": checkpoint.heads_digest(heads),
    }


def _claims(head: dict[str, Any]) -> dict[str, dict[str, Any]]:
    if head.get("format") != FORMAT or not isinstance(head.get("chains"), list):
        raise ValueError(f"not a head file (expected format {FORMAT!r})")
    claims: dict[str, dict[str, Any]] = {}
    for item in head["chains"]:
        try:
            key = str(int(item["chain"]))
            claims[key] = {
                "organisation": item.get("organisation"),
                "sequence": int(item["sequence"]),
                "hash": str(item["hash"]),
            }
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"a chain in the head file is malformed: {item!r}") from None
    return claims


def check_against(session: Session, head: dict[str, Any]) -> list[dict[str, Any]]:
    """Problems found (empty: the log still reaches every head in the file). ValueError
    when the file is not a head file."""
    claims = _claims(head)
    problems: list[dict[str, Any]] = []
    if checkpoint.heads_digest(claims) != head.get("digest"):
        problems.append(
            {"chain": None, "sequence": None,
             "reason": "the head file's digest does not match its chains (edited file)"}
        )  # fmt: skip
    where = f"the head taken at {head.get('taken_at')}"
    for problem in checkpoint.check_claims(session, chain_heads(session), claims, where):
        problems.append(
            {"chain": problem.chain, "sequence": problem.sequence, "reason": problem.reason}
        )
    return problems
