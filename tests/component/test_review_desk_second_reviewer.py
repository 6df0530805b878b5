"""A second reviewer for rejections, on the in-memory fakes and on PostgreSQL (one test body):
the first rejection is a proposal that changes nothing, its own reviewer cannot confirm it, a
second reviewer's decision settles it and names the first; the audit list, the backlog and the
samples as the overview reads them."""

import dataclasses

import pytest

from apoyo_verification.desk.decision import Ruling
from apoyo_verification.desk.ports import Proposal
from apoyo_verification.desk.service import Ask, ReviewDesk, SameReviewer
from tests.component import test_verification_duplicates as duplicates
from tests.component.desk_backends import desk_on
from tests.component.test_verification_duplicates import Backend, support
from tests.unit.verification.cases import PROCESS

pytestmark = pytest.mark.component
backend = duplicates.backend  # the same fixture: in memory and on PostgreSQL
FIRST = Ask(Ruling.INCONSISTENCIA, "FOTOCOPIA", "se ve en gris", "ople:primera")
SECOND = Ask(Ruling.INCONSISTENCIA, "FOTOCOPIA", "confirmo", "ople:segunda")
FINE = Ask(Ruling.VALIDO, None, "", "ople:segunda")


async def two_person_desk(backend: Backend) -> ReviewDesk:
    desk = dataclasses.replace(await desk_on(backend), second_reviewer=True)
    await desk.verifier.verify_many(
        [
            support(0, "blurry-a", flags=("BLURRY",)),
            support(1, "blurry-b", flags=("BLURRY",), minutes=1),
            support(2, "counted", minutes=2),
        ]
    )
    return desk


async def test_a_first_rejection_waits_for_a_different_reviewer(backend: Backend) -> None:
    desk = await two_person_desk(backend)
    proposal = await desk.rule("blurry-a", FIRST)
    assert isinstance(proposal, Proposal) and proposal.actor == FIRST.actor
    item = await desk.item("blurry-a")
    assert item is not None and item.open and not item.decisions
    assert item.proposal is not None and item.proposal.reason == "FOTOCOPIA"
    assert item.outcome.status == "PENDIENTE_REVISION"
    with pytest.raises(SameReviewer):
        await desk.rule("blurry-a", FIRST)
    confirmed = await desk.rule("blurry-a", SECOND)
    assert not isinstance(confirmed, Proposal)
    assert confirmed.published.status == "INCONSISTENCIA"
    item = await desk.item("blurry-a")
    assert item is not None and not item.open and item.proposal is None
    [kept] = item.decisions
    assert (kept.actor, kept.proposed_by, kept.reason) == (SECOND.actor, FIRST.actor, "FOTOCOPIA")


async def test_a_valid_decision_needs_no_second_and_settles_a_proposal(backend: Backend) -> None:
    desk = await two_person_desk(backend)
    await desk.rule("blurry-a", FIRST)
    decided = await desk.rule("blurry-a", FINE)  # the second reviewer disagrees: it counts
    assert not isinstance(decided, Proposal) and decided.published.status == "EN_LISTA_NOMINAL"
    item = await desk.item("blurry-a")
    assert item is not None and item.proposal is None
    assert [d.proposed_by for d in item.decisions] == [FIRST.actor]
    other = await desk.rule("blurry-b", Ask(Ruling.VALIDO, None, "", FIRST.actor))
    assert not isinstance(other, Proposal) and other.published.status == "EN_LISTA_NOMINAL"


async def test_the_audit_list_backlog_and_samples(backend: Backend) -> None:
    desk = await two_person_desk(backend)
    assert await desk.store.backlog() == {(PROCESS.id, "asp-01"): 2}
    await desk.rule("blurry-a", FIRST)
    assert await desk.store.backlog() == {(PROCESS.id, "asp-01"): 2}  # a proposal is not a decision
    await desk.rule("blurry-a", SECOND)
    await desk.rule("blurry-b", FINE)
    assert await desk.store.backlog() == {}
    newest, oldest = await desk.store.audit(PROCESS.id, None, 10)
    assert (newest.decision.support_id, oldest.decision.support_id) == ("blurry-b", "blurry-a")
    assert newest.number > oldest.number and oldest.aspirant_id == "asp-01"
    assert [
        a.decision.support_id for a in await desk.store.audit(PROCESS.id, newest.number, 10)
    ] == ["blurry-a"]
    assert await desk.store.audit("otro-proceso", None, 10) == []
    await desk.draw_sample(PROCESS.id, "asp-01", 5, 7, "ople:primera")
    [sample] = await desk.store.samples()
    # The counted ones: "counted" and "blurry-b" found valid; both back on the desk.
    assert (sample.aspirant_id, sample.drawn, sample.decided) == ("asp-01", 2, 0)
    assert await desk.store.backlog() == {(PROCESS.id, "asp-01"): 2}
