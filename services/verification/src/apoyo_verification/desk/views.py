"""The desk's answers as JSON (interfaces: docs/verification.md, "Reviewer routes")."""

from typing import Any

from apoyo_verification.desk.decision import Decision
from apoyo_verification.desk.ports import Item, Proposal, Sample
from apoyo_verification.desk.sampling import complete, needs_full_review


def decision_json(d: Decision) -> dict[str, Any]:
    return {
        "decision": d.ruling.value,
        "reason": d.reason,
        "note": d.note,
        "decided_by": d.actor,
        "decided_at": d.decided_at.isoformat(),
        "causes": [c.value for c in d.causes],
        "proposed_by": d.proposed_by,
    }


def proposal_json(p: Proposal | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "reason": p.reason,
        "note": p.note,
        "proposed_by": p.actor,
        "proposed_at": p.proposed_at.isoformat(),
    }


def item_json(item: Item) -> dict[str, Any]:
    out = item.outcome
    return {
        "support_id": out.support_id,
        "process_id": out.process_id,
        "aspirant_id": out.aspirant_id,
        "channel": out.channel.value,
        "received_at": out.received_at.isoformat(),
        "status": out.status.value,
        "reasons": list(out.reasons),
        "verified_at": out.verified_at.isoformat(),
        "open": item.open,
        "pending_rejection": proposal_json(item.proposal),
        "referrals": [
            {
                "cause": r.cause.value,
                "referred_by": r.actor,
                "note": r.note,
                "referred_at": r.referred_at.isoformat(),
                "decided": r.decided,
            }
            for r in item.referrals
        ],
        "decisions": [decision_json(d) for d in item.decisions],
        "evidence": [
            {"kind": e.kind, "object_key": e.object_key, "sha256": e.sha256} for e in item.evidence
        ],
    }


def sample_json(sample: Sample) -> dict[str, Any]:
    return {
        "process_id": sample.process_id,
        "aspirant_id": sample.aspirant_id,
        "size": sample.size,
        "seed": sample.seed,
        "drawn": sample.drawn,
        "decided": sample.decided,
        "problems": sample.problems,
        "complete": complete(sample),
        "full_review": needs_full_review(sample),
        "escalated": sample.escalated,
    }
