"""A reviewer's decision on a support at the desk, and what it makes of the support (pure).

A decision never edits what the machine saw: it is an event (who, when, why) that changes the
support's own verdict, then the duplicates rule places the support among the citizen's others.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from apoyo_common.codes import Status
from apoyo_verification import evidence
from apoyo_verification.classify import Verdict
from apoyo_verification.desk.referral import Cause


class Ruling(StrEnum):
    VALIDO = "VALIDO"  # the evidence is fine: the registry rules alone judge the support
    INCONSISTENCIA = "INCONSISTENCIA"  # an evidence problem, with its reason code


SUPLANTACION = "SUPLANTACION"  # the citizen did not give this support (a confirmed report)
# domain.md's evidence problems, the desk's own `EVIDENCIA_ALTERADA`, and a confirmed report.
REASONS = frozenset(
    {
        evidence.FOTOCOPIA,
        evidence.SIMULACION,
        "DOCUMENTO_NO_VALIDO",
        evidence.CREDENCIAL_NO_VALIDA,
        evidence.SOLO_ANVERSO_O_REVERSO,
        evidence.ILEGIBLE,
        evidence.FOTO_VIVA_NO_VALIDA,
        evidence.SIN_FIRMA,
        "FIRMA_NO_VALIDA",
        "CURP_CLAVE_INCONSISTENTE",
        evidence.EVIDENCIA_ALTERADA,
        SUPLANTACION,
    }
)


class InvalidDecision(ValueError):
    """The decision is malformed: the message says why, in Spanish, for the reviewer."""


@dataclass(frozen=True)
class Decision:
    support_id: str
    ruling: Ruling
    reason: str | None
    note: str
    actor: str  # the reviewer's token subject
    decided_at: datetime
    causes: tuple[Cause, ...] = ()  # the open referrals it closed
    proposed_by: str | None = None  # the first reviewer, when this settles a proposal

    @property
    def problem(self) -> bool:
        """What INE's sampling rule counts: the reviewer found the support wrong."""
        return self.ruling is Ruling.INCONSISTENCIA

    def rejection(self) -> Verdict | None:
        """The support's verdict when the ruling alone decides it (INCONSISTENCIA)."""
        if self.ruling is Ruling.INCONSISTENCIA:
            return Verdict(Status.INCONSISTENCIA, (self.reason or "",))
        return None


def checked(ruling: str, reason: str | None) -> tuple[Ruling, str | None]:
    """The ruling and reason of a request, or InvalidDecision."""
    if ruling not in Ruling.__members__:
        raise InvalidDecision("decision debe ser VALIDO o INCONSISTENCIA")
    if Ruling(ruling) is Ruling.VALIDO:
        if reason:
            raise InvalidDecision("una decisión VALIDO no lleva motivo")
        return Ruling.VALIDO, None
    if reason not in REASONS:
        raise InvalidDecision("motivo debe ser uno de: " + ", ".join(sorted(REASONS)))
    return Ruling.INCONSISTENCIA, reason
