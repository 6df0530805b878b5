import json

import pytest

from apoyo_capture.domain import SupportRequest
from apoyo_capture.grants import token_digest
from apoyo_capture.invitations import InvitationRequest
from apoyo_capture.refusals import Refused
from apoyo_capture.service import Caller
from apoyo_common.codes import Role
from apoyo_common.tokens import Principal, verify
from tests.unit.capture.conftest import SECRET, Capture
from tests.unit.capture.test_service import files, req

ASPIRANT = Principal(Role.ASPIRANT, "asp", "gub-son-2027", "asp-01")
BASE = "https://apoyo.example.org"


def invitation(*emails: str, aspirant: str = "asp-01") -> InvitationRequest:
    return InvitationRequest(
        process_id="gub-son-2027", aspirant_id=aspirant, emails=list(emails or ["a@example.org"])
    )


def citizen(link: str) -> Caller:
    token = link.rsplit("/", 1)[1]
    return Caller(verify(SECRET, token), token_digest(token), "198.51.100.4", "Firefox")


def autoservicio() -> SupportRequest:
    return req(channel="AUTOSERVICIO")


async def test_one_link_per_address_and_a_mail_event_each(capture: Capture) -> None:
    invited = await capture.invitations.invite(
        ASPIRANT, invitation("A@example.org", "a@example.org ", "b@example.org"), BASE
    )
    assert [i.grant.email for i in invited] == ["a@example.org", "b@example.org"]
    assert all(i.link.startswith(BASE + "/i/") for i in invited)
    mails = [i for i in capture.repository.outbox if i.topic == "invitation.created"]
    assert [json.loads(m.payload)["email"] for m in mails] == ["a@example.org", "b@example.org"]
    stored = capture.repository.grants[invited[0].grant.grant_id]
    token = invited[0].link.rsplit("/", 1)[1]
    assert stored.token_sha256 == token_digest(token) and token not in repr(stored)


@pytest.mark.parametrize(
    "who,request_,status",
    [
        (Principal(Role.ASPIRANT, "x", "gub-son-2027", "asp-02"), invitation(), 403),
        (Principal(Role.AUXILIARY, "x", "gub-son-2027", "asp-01"), invitation(), 403),
        (Principal(Role.OPLE, "o"), invitation(aspirant="asp-99"), 422),
        (ASPIRANT, invitation("not-an-address"), 422),
    ],
)
async def test_who_may_invite(
    capture: Capture, who: Principal, request_: InvitationRequest, status: int
) -> None:
    with pytest.raises(Refused) as refused:
        await capture.invitations.invite(who, request_, BASE)
    assert refused.value.status == status


async def test_opening_records_the_first_time_and_spends_nothing(capture: Capture) -> None:
    [invited] = await capture.invitations.invite(ASPIRANT, invitation(), BASE)
    token = invited.link.rsplit("/", 1)[1]
    first_open = capture.clock.now
    for _ in range(3):
        grant, problem = await capture.invitations.open(token)
        capture.clock.advance(minutes=5)
        assert problem is None and grant is not None
    stored = capture.repository.grants[invited.grant.grant_id]
    assert stored.opened_at == first_open and stored.spent_at is None
    answer = await capture.service.accept(citizen(invited.link), "k", autoservicio(), files())
    assert answer.support_id


async def test_the_token_is_spent_by_the_support_once(capture: Capture) -> None:
    [invited] = await capture.invitations.invite(ASPIRANT, invitation(), BASE)
    who = citizen(invited.link)
    first = await capture.service.accept(who, "k1", autoservicio(), files())
    again = await capture.service.accept(who, "k1", autoservicio(), files())
    assert again == first  # a retry of the same submission gets the same answer
    with pytest.raises(Refused, match="token_used"):
        await capture.service.accept(who, "k2", req(channel="AUTOSERVICIO", nombre="B"), files())
    assert capture.repository.grants[invited.grant.grant_id].support_id == first.support_id
    assert len([k for k in capture.store.objects if k.startswith("evidence/")]) == 3
    _, problem = await capture.invitations.open(invited.link.rsplit("/", 1)[1])
    assert problem == "token_used"


async def test_forged_and_expired_links_do_not_work(capture: Capture) -> None:
    [invited] = await capture.invitations.invite(ASPIRANT, invitation(), BASE)
    token = invited.link.rsplit("/", 1)[1]
    assert (await capture.invitations.open(token[:-3] + "AAA"))[1] == "token_invalid"
    plain = Caller(Principal(Role.CITIZEN, "citizen:x", "gub-son-2027", "asp-01"), "00")
    with pytest.raises(Refused, match="token_invalid"):
        await capture.service.accept(plain, "k", autoservicio(), files())
    capture.clock.advance(days=15)
    assert (await capture.invitations.open(token))[1] == "token_expired"
    with pytest.raises(Refused, match="token_expired"):
        await capture.service.accept(citizen(invited.link), "k", autoservicio(), files())
    assert capture.store.objects == {}


async def test_a_revoked_grant_replaced_mid_store_is_refused(capture: Capture) -> None:
    """The spend is checked again where the support is stored: a race loses cleanly."""
    [invited] = await capture.invitations.invite(ASPIRANT, invitation(), BASE)
    grant = capture.repository.grants[invited.grant.grant_id]
    original = capture.repository.grant

    async def stale(grant_id: str) -> object:
        return grant  # what a concurrent request read before the other one stored

    await capture.service.accept(citizen(invited.link), "k1", autoservicio(), files())
    capture.repository.grant = stale  # type: ignore[assignment,method-assign]
    with pytest.raises(Refused, match="token_used"):
        await capture.service.accept(citizen(invited.link), "k2", autoservicio(), files())
    capture.repository.grant = original  # type: ignore[method-assign]
    assert (
        len([k for k in capture.store.objects if k.startswith("evidence/")]) == 3
    )  # the loser's images were removed


async def test_the_aspirant_lists_their_invitations(capture: Capture) -> None:
    invited = await capture.invitations.invite(ASPIRANT, invitation("a@x.mx", "b@x.mx"), BASE)
    await capture.service.accept(citizen(invited[0].link), "k", autoservicio(), files())
    found = await capture.invitations.listing(ASPIRANT, "gub-son-2027", "asp-01")
    # Invitations made in one request share their time: compare them by address.
    assert sorted((g.email, g.status) for g in found) == [("a@x.mx", "USADA"), ("b@x.mx", "CREADA")]
    other = Principal(Role.ASPIRANT, "x", "gub-son-2027", "asp-02")
    with pytest.raises(Refused, match="forbidden"):
        await capture.invitations.listing(other, "gub-son-2027", "asp-01")
