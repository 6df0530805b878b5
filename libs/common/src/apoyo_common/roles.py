"""Who may see or act on a process's and an aspirant's data (docs/security.md, "Roles").

One rule for every service: the institute (`ople`) reaches every process, or only the one its
token names; an aspirant reaches only itself, in the one process its token names (a token
without a process reaches nothing). Auxiliaries and citizens only capture; their routes check
what else they may do (a citizen's own certificate) where the resource is known.
"""

from apoyo_common.codes import Role
from apoyo_common.tokens import Principal


def institute_in(principal: Principal, process_id: str) -> bool:
    """An institute token that reaches this process."""
    return principal.role is Role.OPLE and principal.process_id in (None, process_id)


def may_act_for(principal: Principal, process_id: str, aspirant_id: str) -> bool:
    """The institute within its reach, or that aspirant in that process."""
    if principal.role is Role.OPLE:
        return institute_in(principal, process_id)
    return (
        principal.role is Role.ASPIRANT
        and principal.process_id == process_id
        and principal.aspirant_id == aspirant_id
    )
