"""Verification's JSON routes as /openapi.json shows them (apoyo_common.openapi): progress,
the reviewers' desk, the aspirant's hearing and the citizen's inquiry. The models describe
the bodies the routes build by hand (desk/views.py, hearing/views.py, inquiry/http.py); the
fuzzing test checks the answers against them."""

from pydantic import BaseModel, Field

from apoyo_common.codes import EvidenceKind
from apoyo_common.credential import BarcodeRead, FieldCheck, MrzFields
from apoyo_common.openapi import Api, Json, answer, operation, parameter
from apoyo_common.paging import PAGE_MAX
from apoyo_verification.decoded_http import DECODED_PATH
from apoyo_verification.desk.referral import Cause
from apoyo_verification.hearing.domain import ARGUMENT_MAX
from apoyo_verification.hearing.views import HEARING_PATH
from apoyo_verification.http import PROGRESS_PATH
from apoyo_verification.inquiry.domain import NOTE_MAX
from apoyo_verification.review_http import MAX_NOTE
from apoyo_verification.review_http import MAX_PAGE as QUEUE_MAX


class Decoded(BaseModel):
    support_id: str
    decoded_at: str
    mrz: MrzFields | None
    barcodes: list[BarcodeRead]
    checks: list[FieldCheck]
    flags: list[str]


class Dispersion(BaseModel):
    unit: str
    units_met: int
    units_required: int


class Progress(BaseModel):
    required: int
    valid: int
    ln_total: int
    by_status: dict[str, int]
    dispersion: Dispersion | None
    met: bool


class ReferralOut(BaseModel):
    cause: str
    referred_by: str
    note: str
    referred_at: str
    decided: bool


class DecisionOut(BaseModel):
    decision: str
    reason: str | None
    note: str
    decided_by: str
    decided_at: str
    causes: list[str]
    proposed_by: str | None


class ProposalOut(BaseModel):
    reason: str
    note: str
    proposed_by: str
    proposed_at: str


class EvidenceOut(BaseModel):
    kind: str
    object_key: str
    sha256: str


class ReviewItem(BaseModel):
    support_id: str
    process_id: str
    aspirant_id: str
    channel: str
    received_at: str
    status: str
    reasons: list[str]
    verified_at: str
    open: bool
    pending_rejection: ProposalOut | None
    referrals: list[ReferralOut]
    decisions: list[DecisionOut]
    evidence: list[EvidenceOut]


class ReviewQueue(BaseModel):
    items: list[ReviewItem]
    next_after: str | None
    reviewer: str


class CaseRead(BaseModel):
    mrz: dict[str, object] | None
    barcodes: list[dict[str, str]]
    checks: list[FieldCheck]
    flags: list[str]


class CaseFile(ReviewItem):
    typed: dict[str, str | None] | None
    read: CaseRead | None
    record: dict[str, object] | None = Field(description="the voter-roll record, or null")


class Audited(DecisionOut):
    number: int
    support_id: str
    aspirant_id: str


class AuditPage(BaseModel):
    decisions: list[Audited]
    next_before: int | None


class AspirantOverview(BaseModel):
    aspirant_id: str
    name: str
    progress: Progress | None
    backlog: int
    sample: "SampleOut | None"


class ProcessOverview(BaseModel):
    process_id: str
    name: str
    cut: str
    office: str
    aspirants: list[AspirantOverview]


class InstituteOverview(BaseModel):
    processes: list[ProcessOverview]


class DecisionIn(BaseModel):
    decision: str = Field(description="VALIDO, INCONSISTENCIA, ...")
    reason: str | None = Field(None, max_length=64)
    note: str | None = Field(None, max_length=MAX_NOTE)


class SampleIn(BaseModel):
    process_id: str = Field(min_length=1, max_length=200)
    aspirant_id: str = Field(min_length=1, max_length=200)
    size: int | None = Field(None, ge=1, lt=2**53)
    seed: int | None = Field(None, ge=0, lt=2**53)


class SampleOut(BaseModel):
    process_id: str
    aspirant_id: str
    size: int
    seed: int
    drawn: int
    decided: int
    problems: int
    complete: bool
    full_review: bool
    escalated: int | None


class HeardEvidence(BaseModel):
    kind: str
    url: str


class ContestDecision(BaseModel):
    status: str
    reasons: list[str]
    ruling: str
    reason: str | None
    note: str
    decided_at: str


class ContestOut(BaseModel):
    state: str
    argument: str
    contested_at: str
    decision: ContestDecision | None


class Heard(BaseModel):
    support_id: str
    channel: str
    status: str
    reasons: list[str]
    received_at: str
    verified_at: str
    evidence: list[HeardEvidence]
    contest_url: str
    contest: ContestOut | None


class HearingPage(BaseModel):
    supports: list[Heard]
    next: str | None


class ContestIn(BaseModel):
    argument: str = Field(min_length=10, max_length=ARGUMENT_MAX)


class LookupIn(BaseModel):
    clave_elector: str = Field(max_length=64)
    support_id: str | None = Field(None, max_length=64)
    code: str | None = Field(None, max_length=6)


class SeenSupport(BaseModel):
    support_id: str
    process: str
    aspirant: str
    received_at: str
    channel: str
    status: str


class Seen(BaseModel):
    supports: list[SeenSupport]
    token: str


class CodeIn(BaseModel):
    clave_elector: str = Field(max_length=64)
    email: str = Field(max_length=254)


class Told(BaseModel):
    detail: str
    code: str | None = None


class ReportIn(BaseModel):
    clave_elector: str = Field(max_length=64)
    support_id: str = Field(max_length=64)
    note: str | None = Field(None, max_length=NOTE_MAX)


ASPIRANT = [parameter("process_id"), parameter("aspirant_id")]
ONE_HEARD = [*ASPIRANT, parameter("support_id")]
HEARD = HEARING_PATH + "/{support_id}"


def _queue_params() -> list[Json]:
    causes = {"type": "string", "enum": list(Cause.__members__)}
    limit = {"type": "integer", "minimum": 1, "maximum": QUEUE_MAX}
    return [
        {**parameter("process_id", "query"), "required": True},
        parameter("aspirant_id", "query"),
        parameter("cause", "query", causes),
        parameter("after", "query"),
        parameter("limit", "query", limit),
    ]


def _hearing_params() -> list[Json]:
    limit = {"type": "integer", "minimum": 1, "maximum": PAGE_MAX}
    return [
        *ASPIRANT,
        parameter("status", "query"),
        parameter("reason", "query"),
        parameter("after", "query"),
        parameter("limit", "query", limit),
    ]


def _audit_params() -> list[Json]:
    limit = {"type": "integer", "minimum": 1, "maximum": QUEUE_MAX}
    return [
        {**parameter("process_id", "query"), "required": True},
        parameter("before", "query", {"type": "integer", "minimum": 0}),
        parameter("limit", "query", limit),
    ]


def _desk() -> Json:
    one = [parameter("support_id")]
    image = {"type": "string", "enum": [k.value for k in EvidenceKind]}
    item = answer("El apoyo en la mesa", ReviewItem)
    return {
        "/v1/review/queue": {"get": operation(
            "Cola de la mesa de control (rol ople)",
            {200: answer("Una página de la cola", ReviewQueue)}, params=_queue_params(),
            tag="mesa",
        )},
        "/v1/review/items/{support_id}": {"get": operation(
            "Un apoyo de la mesa", {200: item}, params=one, tag="mesa",
        )},
        "/v1/review/items/{support_id}/decision": {"post": operation(
            "Decidir un apoyo",
            {200: item, 202: answer("Rechazo propuesto: espera a otra persona", ReviewItem)},
            params=one, body=DecisionIn, tag="mesa",
        )},
        "/v1/review/items/{support_id}/case": {"get": operation(
            "El expediente: lo capturado, lo leído y el registro del padrón",
            {200: answer("El expediente", CaseFile)}, params=one, tag="mesa",
        )},
        "/v1/review/items/{support_id}/evidence/{kind}": {"get": operation(
            "Una imagen del apoyo", {200: answer("La imagen", media="image/*")},
            params=[*one, parameter("kind", schema=image)], tag="mesa",
        )},
        "/v1/review/decisions": {"get": operation(
            "Registro de decisiones de un proceso", {200: answer("Una página", AuditPage)},
            params=_audit_params(), tag="mesa",
        )},
        "/v1/review/overview": {"get": operation(
            "Panorama del Instituto", {200: answer("Procesos y aspirantes", InstituteOverview)},
            tag="mesa",
        )},
        "/v1/review/samples": {"post": operation(
            "Sortear la muestra del INE", {201: answer("La muestra", SampleOut)},
            body=SampleIn, tag="mesa",
        )},
        "/v1/review/samples/{process_id}/{aspirant_id}": {"get": operation(
            "La muestra de un aspirante", {200: answer("La muestra", SampleOut)},
            params=ASPIRANT, tag="mesa",
        )},
    }  # fmt: skip


def _hearing() -> Json:
    image = {"type": "string", "enum": [k.value for k in EvidenceKind]}
    return {
        HEARING_PATH: {"get": operation(
            "Apoyos que no cuentan (garantía de audiencia)",
            {200: answer("Una página", HearingPage)}, params=_hearing_params(), tag="audiencia",
        )},
        HEARD + "/evidence/{kind}": {"get": operation(
            "Una imagen del apoyo", {200: answer("La imagen", media="image/*")},
            params=[*ONE_HEARD, parameter("kind", schema=image)], tag="audiencia",
        )},
        HEARD + "/contest": {"post": operation(
            "Impugnar un apoyo", {201: answer("La impugnación", Heard)},
            params=ONE_HEARD, body=ContestIn, tag="audiencia",
        )},
    }  # fmt: skip


def _inquiry() -> Json:
    return {
        "/v1/lookup": {"post": operation(
            "Consultar mis apoyos (folio o código)", {200: answer("Sus apoyos", Seen)},
            body=LookupIn, secured=False, tag="consulta",
        )},
        "/v1/lookup/codes": {"post": operation(
            "Pedir un código por correo", {202: answer("Aviso", Told)},
            body=CodeIn, secured=False, tag="consulta",
        )},
        "/v1/lookup/reports": {"post": operation(
            "Reportar un apoyo que no dio (token de la consulta)",
            {200: answer("Ya reportado", Told), 201: answer("Reporte recibido", Told)},
            body=ReportIn, tag="consulta",
        )},
    }  # fmt: skip


def verification_api() -> Api:
    progress = operation(
        "Avance de un aspirante",
        {200: answer("El avance", Progress)},
        params=ASPIRANT,
        tag="avance",
    )
    decoded = operation(
        "Lo que se leyó de la credencial de un apoyo",
        {200: answer("Lo leído", Decoded)},
        params=[parameter("support_id")],
        tag="avance",
    )
    paths = {PROGRESS_PATH: {"get": progress}, DECODED_PATH: {"get": decoded}}
    paths |= {**_desk(), **_hearing(), **_inquiry()}
    models: list[type[BaseModel]] = [
        Progress,
        Decoded,
        ReviewQueue,
        CaseFile,
        AuditPage,
        InstituteOverview,
        DecisionIn,
        SampleIn,
        SampleOut,
    ]
    models += [HearingPage, ContestIn, Heard, LookupIn, Seen, CodeIn, Told, ReportIn]
    return Api(paths, models)
