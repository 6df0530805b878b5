import json
from dataclasses import replace

import pytest

from apoyo_capture.adapters.memory import InMemoryCaptureRepository
from apoyo_capture.certificate import certificate_problems
from apoyo_capture.consent import consent_sha256
from apoyo_capture.grants import token_digest
from apoyo_capture.invitations import InvitationRequest
from apoyo_capture.refusals import Refused
from apoyo_capture.service import Caller
from apoyo_common.codes import Role
from apoyo_common.messages import SupportCaptured
from apoyo_common.tokens import Principal, verify
from tests.factories import process
from tests.unit.capture.conftest import SECRET, Capture
from tests.unit.capture.test_service import AUX, files, req

OPLE = Principal(Role.OPLE, "ople")


async def test_the_certificate_is_signed_once_and_served_as_stored(capture: Capture) -> None:
    caller = Caller(AUX, "", "203.0.113.9", "apoyo-app/1.0")
    answer = await capture.service.accept(caller, "k1", req(), files())
    stored = capture.repository.certificates[answer.support_id]  # stored with the support
    [item] = [i for i in capture.repository.outbox if i.topic == "support.captured"]
    published = SupportCaptured.model_validate_json(item.payload)
    assert published.schema_version == 2 and published.certificate_bytes == stored  # for export
    assert capture.repository.events[answer.support_id][0].certificate is None  # kept once
    assert set(capture.store.objects) == {e.object_key for e in published.evidence}  # no copy
    first = await capture.certificates.document(OPLE, answer.support_id)
    assert first == stored
    capture.clock.advance(hours=1)
    assert await capture.certificates.document(OPLE, answer.support_id) == first
    assert certificate_problems(first, capture.key.public_key()) == []
    body = json.loads(first)["certificate"]
    assert body["client"] == {"ip": "203.0.113.9", "user_agent": "apoyo-app/1.0"}
    assert body["consent"]["sha256"] == consent_sha256(process(), "asp-01")


async def test_who_may_read_a_certificate(capture: Capture) -> None:
    request = InvitationRequest(process_id="gub-son-2027", aspirant_id="asp-01", emails=["a@b.mx"])
    [invited] = await capture.invitations.invite(OPLE, request, "http://x")
    token = invited.link.rsplit("/", 1)[1]
    citizen = Caller(verify(SECRET, token), token_digest(token))
    answer = await capture.service.accept(citizen, "k", req(channel="AUTOSERVICIO"), files())
    own = Principal(Role.ASPIRANT, "a", "gub-son-2027", "asp-01")
    for who in (OPLE, own, citizen.principal):
        assert await capture.certificates.document(who, answer.support_id)
    other = Principal(Role.ASPIRANT, "b", "gub-son-2027", "asp-02")
    stranger = Principal(Role.CITIZEN, "invitation:other", "gub-son-2027", "asp-01")
    for who in (other, stranger, AUX):
        with pytest.raises(Refused, match="forbidden"):
            await capture.certificates.document(who, answer.support_id)
    with pytest.raises(Refused, match="not_found"):
        await capture.certificates.document(OPLE, "missing")


async def test_a_retry_found_by_its_keys_row_leaves_no_object_behind(capture: Capture) -> None:
    # A retry is not looked up before storing: it uploads under a new support id and loses
    # at its key's row, as a request racing another with its key does.
    repository = InMemoryCaptureRepository()
    await repository.save_process(process())
    service = replace(capture.service, repository=repository)
    winner = await service.accept(AUX, "k1", req(), files())
    kept = set(capture.store.objects)
    assert await service.accept(AUX, "k1", req(), files()) == winner
    assert set(capture.store.objects) == kept  # the loser's evidence deleted
    assert list(repository.certificates) == [winner.support_id]
    published = [i for i in repository.outbox if i.topic == "support.captured"]
    assert len(published) == 1  # the loser published nothing, its certificate neither
