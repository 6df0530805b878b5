"""The hearing's JSON: one support that does not count, as the aspirant's page reads it."""

from typing import Any

from apoyo_verification.hearing.domain import ContestState, Heard

HEARING_PATH = "/v1/processes/{process_id}/aspirants/{aspirant_id}/hearing"


def base_path(process_id: str, aspirant_id: str) -> str:
    return HEARING_PATH.format(process_id=process_id, aspirant_id=aspirant_id)


def contest_json(heard: Heard) -> dict[str, Any] | None:
    contest, state = heard.contest, heard.contest_state
    if contest is None or state is None:
        return None
    decision = None
    if state is ContestState.RESUELTA and contest.decision is not None:
        ruled = contest.decision
        decision = {
            "status": heard.status.value,  # the outcome now: the decision's, through duplicates
            "reasons": list(heard.reasons),
            "ruling": ruled.ruling,
            "reason": ruled.reason,
            "note": ruled.note,
            "decided_at": ruled.decided_at.isoformat(),
        }
    return {
        "state": state.value,
        "argument": contest.argument,
        "contested_at": contest.contested_at.isoformat(),
        "decision": decision,
    }


def heard_json(heard: Heard, process_id: str, aspirant_id: str) -> dict[str, Any]:
    here = f"{base_path(process_id, aspirant_id)}/{heard.support_id}"
    return {
        "support_id": heard.support_id,
        "channel": heard.channel,
        "status": heard.status.value,
        "reasons": list(heard.reasons),
        "received_at": heard.received_at.isoformat(),
        "verified_at": heard.verified_at.isoformat(),
        "evidence": [
            {"kind": k.value, "url": f"{here}/evidence/{k.value}"} for k in heard.evidence
        ],
        "contest_url": f"{here}/contest",
        "contest": contest_json(heard),
    }
