"""GET /v1/audit/verify: the chains verified, reported as far as the key may see.

An unlimited key gets every chain, the checkpoints and the current heads with their
digest. A key limited to organisations gets the chains of its organisations in full
(every entry of such a chain belongs to the organisation) and, for the entries it may read
in other chains (a gemensam nämnd hosted by another kommun), whether their chain verifies
up to them; nothing about entries, chains or checkpoints it may not read.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import checkpoint, verify
from app.auditlog import repository
from app.auditlog.repository import AuditFilters
from app.auditlog.schemas import ChainHeadOut, ChainVerifyOut, VerifyOut
from app.models import AuditEntry
from app.security.deps import Principal


def _heads(reports: list[verify.ChainReport]) -> list[ChainHeadOut]:
    return [
        ChainHeadOut(
            chain=r.chain, organisation=r.organisation, sequence=r.head_sequence, hash=r.head_hash
        )
        for r in reports
    ]


def _first_visible_after_break(
    session: Session, principal: Principal, report: verify.ChainReport
) -> int | None:
    """The first entry this key may read at or after the chain's break, if any."""
    stmt = (
        repository.entries_query(principal, AuditFilters(chain=report.chain))
        .where(AuditEntry.sequence >= (report.first_broken_sequence or 0))
        .order_by(None)
    )
    first: int | None = session.scalar(select(func.min(stmt.subquery().c.sequence)))
    return first


def verify_for(session: Session, principal: Principal) -> VerifyOut:
    result = verify.verify(session)
    if not principal.scoped:
        heads = {c: h for c, h in checkpoint.current_heads(session).items()}
        return VerifyOut(
            **{k: v for k, v in result.as_dict().items() if k != "chains"},
            chains=[ChainVerifyOut(**c.as_dict()) for c in result.chains],
            heads=_heads(result.chains),
            digest=checkpoint.heads_digest(heads),
        )
    visible = set(repository.visible_organisations(session, principal) or ())
    own = [r for r in result.chains if r.organisation in visible]
    first_broken: tuple[int, int, str] | None = next(
        ((r.chain, r.first_broken_sequence or 0, r.reason or "") for r in own if not r.ok),
        None,
    )
    if first_broken is None:
        for report in result.chains:
            if report.ok or report.organisation in visible:
                continue
            sequence = _first_visible_after_break(session, principal, report)
            if sequence is not None:
                reason = "an entry you may read is in a chain that does not verify up to it"
                first_broken = (report.chain, sequence, reason)
                break
    return VerifyOut(
        ok=first_broken is None,
        entries=repository.count_visible(session, principal),
        checkpoints=0,
        first_broken_chain=first_broken[0] if first_broken else None,
        first_broken_sequence=first_broken[1] if first_broken else None,
        reason=first_broken[2] if first_broken else None,
        chains=[ChainVerifyOut(**r.as_dict()) for r in own],
        heads=_heads(own),
        digest=None,
    )
