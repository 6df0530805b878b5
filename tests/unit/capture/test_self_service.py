import json
from datetime import timedelta

import pytest

from apoyo_capture.grants import token_digest
from apoyo_capture.refusals import Refused
from apoyo_capture.self_service import CodeCheck, CodeRequest
from apoyo_capture.service import Caller
from apoyo_common.onetime import MAX_CODE_ATTEMPTS
from apoyo_common.tokens import verify
from tests.unit.capture.conftest import SECRET, Capture
from tests.unit.capture.test_service import files, req

ASKED = CodeRequest(process_id="gub-son-2027", aspirant_id="asp-01", email="Ana@Example.org")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


async def test_a_code_is_mailed_and_stored_only_as_a_keyed_hash(capture: Capture) -> None:
    grant, code = await capture.self_service.request_code(ASKED)
    [mail] = [i for i in capture.repository.outbox if i.topic == "email.code.requested"]
    assert json.loads(mail.payload)["code"] == code
    stored = capture.repository.grants[grant.grant_id]
    assert stored.email == "ana@example.org" and code not in repr(stored)
    assert stored.expires_at - stored.created_at == timedelta(hours=24)


async def test_the_right_code_gives_a_token_for_one_support(capture: Capture) -> None:
    grant, code = await capture.self_service.request_code(ASKED)
    capture.clock.advance(hours=23)
    issued = await capture.self_service.verify_code(CodeCheck(request_id=grant.grant_id, code=code))
    principal = verify(SECRET, issued.token)
    assert principal.role.value == "citizen" and principal.aspirant_id == "asp-01"
    who = Caller(principal, token_digest(issued.token))
    await capture.service.accept(who, "k1", req(channel="AUTOSERVICIO"), files())
    with pytest.raises(Refused, match="token_used"):
        await capture.service.accept(who, "k2", req(channel="AUTOSERVICIO", nombre="B"), files())
    with pytest.raises(Refused, match="code_used"):
        await capture.self_service.verify_code(CodeCheck(request_id=grant.grant_id, code=code))


async def test_a_code_expires_after_24_hours(capture: Capture) -> None:
    grant, code = await capture.self_service.request_code(ASKED)
    capture.clock.advance(hours=24)
    with pytest.raises(Refused, match="code_expired"):
        await capture.self_service.verify_code(CodeCheck(request_id=grant.grant_id, code=code))


async def test_wrong_tries_are_limited(capture: Capture) -> None:
    grant, code = await capture.self_service.request_code(ASKED)
    check = CodeCheck(request_id=grant.grant_id, code=wrong(code))
    for left in range(MAX_CODE_ATTEMPTS - 1, -1, -1):
        with pytest.raises(Refused, match="code_wrong") as refused:
            await capture.self_service.verify_code(check)
        assert f"quedan {left}" in str(refused.value.detail)
    with pytest.raises(Refused, match="too_many_attempts") as refused:
        await capture.self_service.verify_code(CodeCheck(request_id=grant.grant_id, code=code))
    assert refused.value.status == 429


async def test_unknown_requests_and_closed_processes(capture: Capture) -> None:
    with pytest.raises(Refused, match="code_unknown"):
        await capture.self_service.verify_code(CodeCheck(request_id="nope", code="123456"))
    with pytest.raises(Refused, match="unknown_aspirant"):
        await capture.self_service.request_code(ASKED.model_copy(update={"aspirant_id": "x"}))
    capture.clock.advance(days=60)
    with pytest.raises(Refused, match="capture_closed"):
        await capture.self_service.request_code(ASKED)
