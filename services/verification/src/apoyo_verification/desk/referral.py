"""How a support reaches the review desk: the contract every referring feature uses.

The desk itself (queue, decisions, sampling) lives beside this module; the features that
send supports to it (classification, INE's sampling rule, a citizen's "I did not give this
support", an aspirant's contest at the hearing) only need `Desk.refer`.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Cause(StrEnum):
    """Why a support is on the desk; a support may be referred for several causes."""

    PENDIENTE_REVISION = "PENDIENTE_REVISION"  # classification could not decide alone
    MUESTRA = "MUESTRA"  # drawn in INE's random sample of the aspirant's supports
    ASPIRANTE_COMPLETO = "ASPIRANTE_COMPLETO"  # the sample had >= 10% problems: all go
    SUPLANTACION = "SUPLANTACION"  # the citizen reported "I did not give this support"
    AUDIENCIA = "AUDIENCIA"  # the aspirant contested the outcome at the hearing


class NotRecorded(LookupError):
    """Verification has no outcome for that support (yet): there is nothing to review."""


@dataclass(frozen=True)
class Referral:
    support_id: str
    cause: Cause
    actor: str  # who referred it: a token subject, "system", or "citizen"
    note: str = ""  # the written argument or report, shown to the reviewer


class Desk(Protocol):
    async def refer(self, referral: Referral) -> bool:
        """Put the support on the desk for this cause; False if it already is (idempotent:
        a second referral for the same support and cause changes nothing). Raises
        NotRecorded when verification has not recorded the support."""
        ...
