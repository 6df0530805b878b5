from datetime import UTC, datetime, timedelta

import pytest

from apoyo_capture.adapters.memory import InMemoryCaptureRepository
from apoyo_capture.consent import consent_sha256
from apoyo_capture.domain import EvidenceFile, SupportRequest
from apoyo_capture.service import CaptureService, Refused
from apoyo_common.codes import EvidenceKind, Role
from apoyo_common.storage import InMemoryStore
from apoyo_common.tokens import Principal
from tests.factories import JPEG, PNG, process

AUX = Principal(Role.AUXILIARY, "aux-1", "gub-son-2027", "asp-01")
DATA = {
    "process_id": "gub-son-2027",
    "aspirant_id": "asp-01",
    "channel": "AUXILIAR",
    "consent": True,
}


def files(*kinds: EvidenceKind) -> list[EvidenceFile]:
    kinds = kinds or (
        EvidenceKind.CREDENTIAL_FRONT,
        EvidenceKind.CREDENTIAL_BACK,
        EvidenceKind.SIGNATURE,
    )
    return [
        EvidenceFile(k, JPEG if k != EvidenceKind.SIGNATURE else PNG, "image/jpeg", "jpg")
        for k in kinds
    ]


@pytest.fixture
async def service() -> CaptureService:
    repository = InMemoryCaptureRepository()
    await repository.save_process(process())
    return CaptureService(repository, InMemoryStore(), lambda: datetime(2026, 12, 20, tzinfo=UTC))


def req(**changes: object) -> SupportRequest:
    return SupportRequest.model_validate({**DATA, **changes})


async def test_accepts_stores_evidence_and_enqueues_the_event(service: CaptureService) -> None:
    answer = await service.accept(AUX, "k1", req(), files())
    repository = service.repository
    assert isinstance(repository, InMemoryCaptureRepository) and isinstance(
        service.store, InMemoryStore
    )
    assert (await repository.support(answer.support_id)) is not None
    assert len(service.store.objects) == 3
    assert [i.topic for i in repository.outbox] == ["process.defined", "support.captured"]


async def test_same_key_same_body_gives_the_same_answer(service: CaptureService) -> None:
    first = await service.accept(AUX, "k1", req(), files())
    again = await service.accept(AUX, "k1", req(), files())
    assert again == first
    assert isinstance(service.store, InMemoryStore) and len(service.store.objects) == 3


async def test_same_key_other_body_is_a_conflict(service: CaptureService) -> None:
    await service.accept(AUX, "k1", req(), files())
    with pytest.raises(Refused) as refused:
        await service.accept(AUX, "k1", req(nombre="ANA"), files())
    assert refused.value.status == 409


@pytest.mark.parametrize(
    "principal,changes,status",
    [
        (Principal(Role.AUXILIARY, "a", "gub-son-2027", "asp-02"), {}, 403),
        (Principal(Role.AUXILIARY, "a", "other-process", None), {}, 403),
        (Principal(Role.CITIZEN, "c", "gub-son-2027", "asp-01"), {}, 403),
        (Principal(Role.ASPIRANT, "asp", "gub-son-2027", "asp-01"), {}, 403),
        (AUX, {"process_id": "nope"}, 403),
        (Principal(Role.AUXILIARY, "a", None, None), {"process_id": "nope"}, 422),
        (Principal(Role.AUXILIARY, "a", None, None), {"aspirant_id": "asp-99"}, 422),
    ],
)
async def test_refusals(
    service: CaptureService, principal: Principal, changes: dict[str, str], status: int
) -> None:
    with pytest.raises(Refused) as refused:
        await service.accept(principal, "k", req(**changes), files())
    assert refused.value.status == status
    assert isinstance(service.store, InMemoryStore) and service.store.objects == {}


async def test_missing_evidence_and_selfie_rule(service: CaptureService) -> None:
    with pytest.raises(Refused) as refused:
        await service.accept(AUX, "k", req(), files(EvidenceKind.CREDENTIAL_FRONT))
    assert refused.value.status == 422 and "credential_back" in str(refused.value.detail)
    assert isinstance(service.repository, InMemoryCaptureRepository)
    await service.repository.save_process(process(require_selfie=True))
    with pytest.raises(Refused, match="missing_file"):
        await service.accept(AUX, "k", req(), files())


async def test_view_is_for_the_institute_and_the_supports_aspirant(service: CaptureService) -> None:
    answer = await service.accept(AUX, "k1", req(), files())
    ople = Principal(Role.OPLE, "o")
    own = Principal(Role.ASPIRANT, "asp", "gub-son-2027", "asp-01")
    other = Principal(Role.ASPIRANT, "asp2", "gub-son-2027", "asp-02")
    assert (await service.view(ople, answer.support_id)).status == "RECIBIDO"
    assert (await service.view(own, answer.support_id)).aspirant_id == "asp-01"
    for who in (other, AUX):
        with pytest.raises(Refused, match="forbidden"):
            await service.view(who, answer.support_id)
    with pytest.raises(Refused, match="not_found"):
        await service.view(ople, "missing")


async def test_the_capture_window_and_its_upload_grace() -> None:
    repository = InMemoryCaptureRepository()
    await repository.save_process(process())
    end = process().capture.end
    late = CaptureService(repository, InMemoryStore(), lambda: end + timedelta(hours=2))
    in_time = (end - timedelta(hours=1)).isoformat()
    assert await late.accept(AUX, "k1", req(captured_at=in_time), files())
    just_after = (end + timedelta(seconds=1)).isoformat()
    for data in (req(), req(captured_at=just_after)):  # no capture time: the reception's
        with pytest.raises(Refused, match="capture_closed") as refused:
            await late.accept(AUX, "k2", data, files())
        assert refused.value.status == 422
    too_late = CaptureService(repository, InMemoryStore(), lambda: end + timedelta(hours=25))
    with pytest.raises(Refused, match="upload_late"):
        await too_late.accept(AUX, "k3", req(captured_at=in_time), files())


async def test_the_consent_shown_must_be_the_current_text(service: CaptureService) -> None:
    shown = consent_sha256(process(), "asp-01")
    assert await service.accept(AUX, "k1", req(consent_sha256=shown), files())
    with pytest.raises(Refused, match="consent_mismatch"):
        await service.accept(AUX, "k2", req(consent_sha256="0" * 64), files())


async def test_a_retry_after_the_window_gets_its_first_answer() -> None:
    repository = InMemoryCaptureRepository()
    await repository.save_process(process())
    now = [process().capture.end]
    service = CaptureService(repository, InMemoryStore(), lambda: now[0])
    first = await service.accept(AUX, "k1", req(), files())
    now[0] += timedelta(days=3)
    assert await service.accept(AUX, "k1", req(), files()) == first
    with pytest.raises(Refused, match="capture_closed"):
        await service.accept(AUX, "k2", req(), files())
