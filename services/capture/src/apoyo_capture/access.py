"""Who may act for an aspirant: the institute, or that aspirant."""

from apoyo_capture.refusals import Refused
from apoyo_common.codes import Role
from apoyo_common.tokens import Principal


def can_act_for(principal: Principal, process_id: str, aspirant_id: str) -> bool:
    in_process = principal.process_id in (None, process_id)
    if principal.role is Role.OPLE:
        return in_process
    return principal.role is Role.ASPIRANT and in_process and principal.aspirant_id == aspirant_id


def require_aspirant(principal: Principal, process_id: str, aspirant_id: str) -> None:
    if not can_act_for(principal, process_id, aspirant_id):
        raise Refused(403, "forbidden", "solo el instituto o ese aspirante pueden hacerlo")
