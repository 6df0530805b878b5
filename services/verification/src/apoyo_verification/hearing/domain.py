"""What the hearing shows and accepts: pure values and rules, no storage."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from apoyo_common.codes import EvidenceKind, Status
from apoyo_common.paging import PAGE_DEFAULT, Cursor

# Everything else does not count (yet), so the aspirant sees it: a support at the desk
# (PENDIENTE_REVISION) included, since it is not counted until a person decides.
COUNTING = (Status.EN_LISTA_NOMINAL, Status.RECIBIDO)
HEARD = tuple(s for s in Status if s not in COUNTING)
ARGUMENT_MIN, ARGUMENT_MAX = 10, 4000
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


class ContestState(StrEnum):
    PENDIENTE = "PENDIENTE"  # referred to the desk, no decision yet
    RESUELTA = "RESUELTA"  # the desk decided; the support's outcome is the decision's


@dataclass(frozen=True)
class Query:
    process_id: str
    aspirant_id: str
    status: Status | None = None
    reason: str | None = None
    after: Cursor | None = None
    limit: int = PAGE_DEFAULT


@dataclass(frozen=True)
class Ruled:
    """The desk's decision that closed a contest (a desk.decision.Decision, as shown here)."""

    ruling: str
    reason: str | None
    note: str
    decided_at: datetime


@dataclass(frozen=True)
class Contest:
    """The aspirant's written contest: the desk's referral of cause AUDIENCIA."""

    argument: str
    contested_by: str
    contested_at: datetime
    decision: Ruled | None = None


@dataclass(frozen=True)
class Heard:
    """One support that does not count, as the hearing shows it."""

    support_id: str
    channel: str
    status: Status
    reasons: tuple[str, ...]
    received_at: datetime
    verified_at: datetime
    evidence: tuple[EvidenceKind, ...]
    contest: Contest | None = None

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.received_at, self.support_id)

    @property
    def contest_state(self) -> ContestState | None:
        if self.contest is None:
            return None
        decided = self.contest.decision is not None
        return ContestState.RESUELTA if decided else ContestState.PENDIENTE


def argument_problem(argument: str) -> str | None:
    """Why a written argument is refused, in Spanish; None when it is fine."""
    length = len(argument.strip())
    if length < ARGUMENT_MIN:
        return f"escriba su argumento (al menos {ARGUMENT_MIN} caracteres)"
    if length > ARGUMENT_MAX:
        return f"el argumento admite a lo más {ARGUMENT_MAX} caracteres"
    return None


def content_type(object_key: str) -> str:
    return CONTENT_TYPES.get(object_key.rsplit(".", 1)[-1].lower(), "application/octet-stream")
