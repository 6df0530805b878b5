"""Who may act for an aspirant: the institute, or that aspirant (apoyo_common.roles)."""

from apoyo_capture.refusals import Refused
from apoyo_common.roles import may_act_for
from apoyo_common.tokens import Principal


def can_act_for(principal: Principal, process_id: str, aspirant_id: str) -> bool:
    return may_act_for(principal, process_id, aspirant_id)


def require_aspirant(principal: Principal, process_id: str, aspirant_id: str) -> None:
    if not can_act_for(principal, process_id, aspirant_id):
        raise Refused(403, "forbidden", "solo el instituto o ese aspirante pueden hacerlo")
