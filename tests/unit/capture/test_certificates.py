import json
from dataclasses import replace

import pytest

from apoyo_capture.adapters.memory import InMemoryCaptureRepository
from apoyo_capture.certificate import certificate_problems
from apoyo_capture.consent import consent_sha256
from apoyo_capture.grants import token_digest
from apoyo_capture.invitations import InvitationRequest
from apoyo_capture.ports import StoredAnswer
from apoyo_capture.refusals import Refused
from apoyo_capture.service import Caller
from apoyo_common.codes import Role
from apoyo_common.storage.keys import certificate_key
from apoyo_common.tokens import Principal, verify
from tests.factories import process
from tests.unit.capture.conftest import SECRET, Capture
from tests.unit.capture.test_service import AUX, files, req

OPLE = Principal(Role.OPLE, "ople")


async def test_the_certificate_is_signed_once_and_served_as_stored(capture: Capture) -> None:
    caller = Caller(AUX, "", "203.0.113.9", "apoyo-app/1.0")
    answer = await capture.service.accept(caller, "k1", req(), files())
    stored = capture.repository.certificates[answer.support_id]  # stored with the support
    copy = await capture.store.get(certificate_key("gub-son-2027", answer.support_id))
    assert copy == stored  # and copied where export packs it
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


class LateAnswers(InMemoryCaptureRepository):
    """Answers "no support for this key yet" once: a request racing another with its key."""

    hide_once = True

    async def answer_for(self, principal: str, idempotency_key: str) -> StoredAnswer | None:
        if self.hide_once:
            self.hide_once = False
            return None
        return await super().answer_for(principal, idempotency_key)


async def test_the_loser_of_a_race_on_a_key_leaves_no_object_behind(capture: Capture) -> None:
    repository = LateAnswers()
    await repository.save_process(process())
    repository.hide_once = False
    service = replace(capture.service, repository=repository)
    winner = await service.accept(AUX, "k1", req(), files())
    kept = set(capture.store.objects)
    assert certificate_key("gub-son-2027", winner.support_id) in kept
    repository.hide_once = True
    assert await service.accept(AUX, "k1", req(), files()) == winner
    assert set(capture.store.objects) == kept  # the loser's evidence and certificate deleted
    assert list(repository.certificates) == [winner.support_id]
