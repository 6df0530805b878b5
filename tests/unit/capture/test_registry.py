import pytest

from apoyo_capture.auxiliaries import AuxiliaryForm
from apoyo_capture.refusals import Refused
from apoyo_capture.service import Caller
from apoyo_common.codes import Role
from apoyo_common.tokens import Principal, verify
from tests.unit.capture.conftest import SECRET, Capture
from tests.unit.capture.test_service import AUX, files, req

ASPIRANT = Principal(Role.ASPIRANT, "asp", "gub-son-2027", "asp-01")
OPLE = Principal(Role.OPLE, "ople")


def fura(clave: str = "LNACNO90010126H100") -> AuxiliaryForm:
    return AuxiliaryForm(
        nombre="Noé",
        apellido_paterno="Luna",
        clave_elector=clave,
        email="noe@example.org",
        accepted_data_protection=True,
    )


async def test_a_registered_auxiliary_captures_for_their_aspirant(capture: Capture) -> None:
    done = await capture.registry.register(ASPIRANT, "gub-son-2027", "asp-01", fura())
    token = verify(SECRET, done.token)
    assert token.role is Role.AUXILIARY and token.aspirant_id == "asp-01"
    assert token.subject == f"aux:{done.auxiliary.auxiliary_id}"
    answer = await capture.service.accept(Caller(token), "k1", req(), files())
    event, _ = capture.repository.events[answer.support_id]
    assert event.captured_by == token.subject
    with pytest.raises(Refused, match="forbidden"):
        await capture.service.accept(Caller(token), "k2", req(aspirant_id="asp-02"), files())


async def test_a_revoked_auxiliary_captures_no_more(capture: Capture) -> None:
    done = await capture.registry.register(OPLE, "gub-son-2027", "asp-01", fura())
    token = verify(SECRET, done.token)
    await capture.service.accept(Caller(token), "k1", req(), files())
    revoked = await capture.registry.revoke(ASPIRANT, done.auxiliary.auxiliary_id)
    assert revoked.status == "REVOCADO"
    with pytest.raises(Refused, match="token_revoked") as refused:
        await capture.service.accept(Caller(token), "k2", req(nombre="B"), files())
    assert refused.value.status == 401


async def test_one_aspirant_per_auxiliary_and_who_may_register(capture: Capture) -> None:
    await capture.registry.register(ASPIRANT, "gub-son-2027", "asp-01", fura())
    with pytest.raises(Refused, match="auxiliary_taken"):
        await capture.registry.register(OPLE, "gub-son-2027", "asp-02", fura("lnacno90010126h100"))
    other = Principal(Role.ASPIRANT, "asp2", "gub-son-2027", "asp-02")
    for who in (other, AUX):
        with pytest.raises(Refused, match="forbidden"):
            await capture.registry.register(
                who, "gub-son-2027", "asp-01", fura("XXXXXX90010126H300")
            )


async def test_an_unknown_auxiliary_token_is_refused(capture: Capture) -> None:
    ghost = Principal(Role.AUXILIARY, "aux:nobody", "gub-son-2027", "asp-01")
    with pytest.raises(Refused, match="token_invalid"):
        await capture.service.accept(Caller(ghost), "k", req(), files())


async def test_counts_per_auxiliary_for_the_aspirant(capture: Capture) -> None:
    one = await capture.registry.register(ASPIRANT, "gub-son-2027", "asp-01", fura())
    two = await capture.registry.register(
        ASPIRANT, "gub-son-2027", "asp-01", fura("AAAAAA90010126M200")
    )
    who = Caller(verify(SECRET, one.token))
    for n in range(3):
        await capture.service.accept(who, f"k{n}", req(nombre=f"N{n}"), files())
    await capture.service.accept(AUX, "k-op", req(), files())  # an operator-issued token
    counts = await capture.registry.counts(ASPIRANT, "gub-son-2027", "asp-01")
    by_subject = {c.captured_by: c.supports for c in counts}
    assert by_subject == {
        f"aux:{one.auxiliary.auxiliary_id}": 3,
        f"aux:{two.auxiliary.auxiliary_id}": 0,
        "aux-1": 1,
    }
    with pytest.raises(Refused, match="forbidden"):
        await capture.registry.counts(
            Principal(Role.ASPIRANT, "a2", "gub-son-2027", "asp-02"), "gub-son-2027", "asp-01"
        )
