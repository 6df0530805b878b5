"""A support's category before duplicates: the rules of docs/verification.md, in order (pure).

The first rule that applies decides; within a rule every reason found is given, so that the
aspirant's hearing shows all of them. A support that passes every rule is *standing*
(`EN_LISTA_NOMINAL`, or `PENDIENTE_REVISION` while a person has to look): whether it counts is
then the duplicates rule's to say (duplicates.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from apoyo_common.codes import Situacion, Status
from apoyo_common.messages import IdentityDecoded
from apoyo_common.processes import ProcessDefinition
from apoyo_verification import evidence
from apoyo_verification.agreement import contradictions
from apoyo_verification.lookup import Found, searchable

UPLOAD_GRACE = timedelta(hours=24)
FUERA_DE_PLAZO = "FUERA_DE_PLAZO"
TERRITORY = ("entidad", "distrito_federal", "distrito_local", "municipio")
STANDING = frozenset({Status.EN_LISTA_NOMINAL, Status.PENDIENTE_REVISION})


@dataclass(frozen=True)
class Verdict:
    status: Status
    reasons: tuple[str, ...] = ()

    @property
    def standing(self) -> bool:
        return self.status in STANDING


@dataclass(frozen=True)
class Case:
    """Everything one classification looks at."""

    decoded: IdentityDecoded
    process: ProcessDefinition
    found: Found | None

    @property
    def captured_at(self) -> datetime:
        # A phone clock ahead of the server's cannot move a capture later than its reception.
        typed = self.decoded.form.captured_at or self.decoded.received_at
        return min(typed, self.decoded.received_at)

    @property
    def capture_day(self) -> date:
        return self.captured_at.astimezone(self.process.capture.end.tzinfo).date()


Rule = Callable[[Case], Verdict | None]


def capture_window(case: Case) -> Verdict | None:
    window, received = case.process.capture, case.decoded.received_at
    in_time = window.start <= case.captured_at <= window.end
    if in_time and received <= window.end + UPLOAD_GRACE:
        return None
    return Verdict(Status.INCONSISTENCIA, (FUERA_DE_PLAZO,))


def hard_evidence(case: Case) -> Verdict | None:
    reasons = evidence.hard_problems(case.decoded, case.process)
    return Verdict(Status.INCONSISTENCIA, reasons) if reasons else None


def typed_against_card(case: Case) -> Verdict | None:
    fields = [c.field.upper() for c in case.decoded.checks if c.result == "MISMATCH"]
    return Verdict(Status.DATOS_NO_COINCIDEN, tuple(fields)) if fields else None


def registry(case: Case) -> Verdict | None:
    if not searchable(case.decoded):  # nothing typed, nothing read: a person reads the card
        reasons = (evidence.ILEGIBLE, *evidence.soft_problems(case.decoded))
        return Verdict(Status.PENDIENTE_REVISION, tuple(dict.fromkeys(reasons)))
    if case.found is None:
        return Verdict(Status.NO_ENCONTRADO)
    fields = contradictions(case.decoded, case.found.record)
    return Verdict(Status.DATOS_NO_COINCIDEN, fields) if fields else None


def situacion(case: Case) -> Verdict | None:
    record = case.found.record if case.found else None
    if record is None or record.situacion is Situacion.LN:
        return None
    if record.situacion is Situacion.PADRON:
        return Verdict(Status.EN_PADRON_NO_LN)
    causa = (record.causa_baja.value,) if record.causa_baja else ()
    return Verdict(Status.BAJA, causa)


def territory(case: Case) -> Verdict | None:
    record, wanted = case.found.record if case.found else None, case.process.territory
    outside = [
        unit.upper()
        for unit in TERRITORY
        if record is not None and getattr(wanted, unit) not in (None, getattr(record, unit))
    ]
    return Verdict(Status.FUERA_AMBITO, tuple(outside)) if outside else None


def expired(case: Case) -> Verdict | None:
    day, mrz, record = case.capture_day, case.decoded.mrz, case.found
    card_expired = mrz is not None and mrz.expiry < day
    roll_expired = record is not None and record.record.vigencia < day.year
    if card_expired or roll_expired:
        return Verdict(Status.INCONSISTENCIA, (evidence.CREDENCIAL_NO_VALIDA,))
    return None


def soft_evidence(case: Case) -> Verdict | None:
    reasons = evidence.soft_problems(case.decoded)
    return Verdict(Status.PENDIENTE_REVISION, reasons) if reasons else None


# Rules that need no record: a support they decide costs no lookup in the roll.
BEFORE_LOOKUP: tuple[Rule, ...] = (capture_window, hard_evidence, typed_against_card)
RULES: tuple[Rule, ...] = (
    *BEFORE_LOOKUP,
    registry,
    situacion,
    territory,
    expired,
    soft_evidence,
)


@dataclass(frozen=True)
class Rulebook:
    before_lookup: tuple[Rule, ...]
    rules: tuple[Rule, ...]

    def waiving(self, waived: tuple[Rule, ...]) -> "Rulebook":
        kept = [r for r in self.before_lookup if r not in waived]
        return Rulebook(tuple(kept), tuple(r for r in self.rules if r not in waived))


MACHINE = Rulebook(BEFORE_LOOKUP, RULES)
# A reviewer at the desk vouched for the evidence (decision VALIDO): the rules about the
# pictures and the typing are waived; the registry, the territory, expiry and the capture
# window are facts a reviewer cannot change.
REVIEWED = MACHINE.waiving((hard_evidence, typed_against_card, soft_evidence))


def _first(rules: tuple[Rule, ...], case: Case) -> Verdict | None:
    return next((v for rule in rules if (v := rule(case)) is not None), None)


def before_lookup(
    decoded: IdentityDecoded, process: ProcessDefinition, book: Rulebook = MACHINE
) -> Verdict | None:
    """The verdict when one of the first rules decides, else None: the roll must say."""
    return _first(book.before_lookup, Case(decoded, process, None))


def classify(case: Case, book: Rulebook = MACHINE) -> Verdict:
    return _first(book.rules, case) or Verdict(Status.EN_LISTA_NOMINAL)
