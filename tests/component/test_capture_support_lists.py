"""The aspirant's support list and the auxiliaries' rejection counts, the same bodies against
the in-memory fake and PostgreSQL: filters, newest-first keyset pages, another aspirant's rows
never mixed in."""

from datetime import timedelta

import pytest

from apoyo_capture.listing import SupportFilter, SupportQuery
from apoyo_capture.ports import CaptureRepository
from apoyo_common.codes import Channel, Status
from apoyo_common.messages import SupportVerified
from apoyo_common.paging import Cursor
from tests.component import test_capture_repository_contract as contract
from tests.factories import NOW, captured

pytestmark = pytest.mark.component
repository = contract.repository  # the same three backends as the repository contract


async def stock(repository: CaptureRepository) -> None:
    """Nine supports of asp-01 a minute apart (s-0 oldest): s-0..s-2 by aux-1 on paper, the
    rest by aux-2; s-1 and s-4 were found out (fotocopia, and not found); one of asp-02."""
    for n in range(9):
        by = "aux-1" if n < 3 else "aux-2"
        channel = Channel.CEDULA_PAPEL if n < 3 else Channel.AUXILIAR
        event = captured(f"s-{n}").model_copy(
            update={
                "received_at": NOW + timedelta(minutes=n),
                "captured_by": by,
                "channel": channel,
            }
        )
        await repository.save_support(event, by, f"k{n}", "f")
    other = captured("t-0").model_copy(update={"aspirant_id": "asp-02", "captured_by": "aux-1"})
    await repository.save_support(other, "aux-1", "k-other", "f")
    for support_id, status, reasons in (
        ("s-1", Status.INCONSISTENCIA, ("FOTOCOPIA",)),
        ("s-4", Status.NO_ENCONTRADO, ()),
        ("s-5", Status.EN_LISTA_NOMINAL, ()),
        ("t-0", Status.INCONSISTENCIA, ("FOTOCOPIA",)),
    ):
        view = await repository.support(support_id)
        assert view is not None
        await repository.apply_verdict(
            SupportVerified(
                support_id=support_id, process_id=view.process_id, aspirant_id=view.aspirant_id,
                channel=Channel(view.channel), received_at=view.received_at, citizen_key="0" * 32,
                status=status, reasons=reasons, verified_at=NOW + timedelta(hours=1),
            )
        )  # fmt: skip


def asked(limit: int = 50, after: Cursor | None = None, **only: object) -> SupportQuery:
    return SupportQuery("gub-son-2027", "asp-01", SupportFilter(**only), after, limit)  # type: ignore[arg-type]


async def ids(repository: CaptureRepository, query: SupportQuery) -> list[str]:
    return [s.support_id for s in await repository.supports_page(query)]


async def test_pages_go_newest_first_and_the_cursor_resumes_exactly(
    repository: CaptureRepository,
) -> None:
    await stock(repository)
    first = await repository.supports_page(asked(limit=4))
    assert [s.support_id for s in first] == ["s-8", "s-7", "s-6", "s-5"]
    assert first[0].captured_by == "aux-2" and first[3].status == "EN_LISTA_NOMINAL"
    rest = await ids(repository, asked(limit=10, after=Cursor.decode(first[-1].cursor.encode())))
    assert rest == ["s-4", "s-3", "s-2", "s-1", "s-0"]  # asp-02's t-0 never appears


async def test_each_filter_and_their_combination(repository: CaptureRepository) -> None:
    await stock(repository)
    assert await ids(repository, asked(status="INCONSISTENCIA")) == ["s-1"]
    assert await ids(repository, asked(reason="FOTOCOPIA")) == ["s-1"]
    assert await ids(repository, asked(reason="SIN_FIRMA")) == []
    assert await ids(repository, asked(channel="CEDULA_PAPEL")) == ["s-2", "s-1", "s-0"]
    assert await ids(repository, asked(captured_by="aux-1")) == ["s-2", "s-1", "s-0"]
    window = asked(since=NOW + timedelta(minutes=2), until=NOW + timedelta(minutes=4))
    assert await ids(repository, window) == ["s-3", "s-2"]
    both = asked(channel="AUXILIAR", status="RECIBIDO", limit=2)
    page = await repository.supports_page(both)
    assert [s.support_id for s in page] == ["s-8", "s-7"]
    after = await ids(
        repository, asked(channel="AUXILIAR", status="RECIBIDO", after=page[-1].cursor)
    )
    assert after == ["s-6", "s-3"]


async def test_auxiliaries_count_what_was_rejected_of_what_was_decided(
    repository: CaptureRepository,
) -> None:
    await stock(repository)
    counts = {c.captured_by: c for c in await repository.auxiliary_counts("gub-son-2027", "asp-01")}
    one, two = counts["aux-1"], counts["aux-2"]
    assert (one.supports, one.decided, one.rejected, one.rejection_rate) == (3, 1, 1, 1.0)
    assert (two.supports, two.decided, two.rejected, two.rejection_rate) == (6, 2, 1, 0.5)


async def test_the_counts_follow_each_new_verdict_once(repository: CaptureRepository) -> None:
    await stock(repository)
    view = await repository.support("s-1")
    assert view is not None
    upheld = SupportVerified(
        support_id="s-1", process_id=view.process_id, aspirant_id=view.aspirant_id,
        channel=Channel(view.channel), received_at=view.received_at, citizen_key="0" * 32,
        status=Status.EN_LISTA_NOMINAL, verified_at=NOW + timedelta(hours=2),
    )  # fmt: skip
    for verdict in (upheld, upheld, upheld.model_copy(update={"verified_at": NOW})):
        await repository.apply_verdict(verdict)  # a replay, then an older one: no change
    counts = {c.captured_by: c for c in await repository.auxiliary_counts("gub-son-2027", "asp-01")}
    assert (counts["aux-1"].supports, counts["aux-1"].decided, counts["aux-1"].rejected) == (
        3,
        1,
        0,
    )


async def test_a_batch_of_verdicts_moves_the_counts_as_one_by_one(
    repository: CaptureRepository,
) -> None:
    await stock(repository)

    async def verdict(support_id: str, status: Status, hours: int) -> SupportVerified:
        view = await repository.support(support_id)
        assert view is not None
        return SupportVerified(
            support_id=support_id, process_id=view.process_id, aspirant_id=view.aspirant_id,
            channel=Channel(view.channel), received_at=view.received_at, citizen_key="0" * 32,
            status=status, verified_at=NOW + timedelta(hours=hours),
        )  # fmt: skip

    upheld = await verdict("s-1", Status.EN_LISTA_NOMINAL, 2)
    batch = [
        upheld,
        await verdict("s-6", Status.NO_ENCONTRADO, 2),  # aux-2: decided, rejected
        await verdict("s-0", Status.EN_LISTA_NOMINAL, 2),  # aux-1: decided
        upheld,  # a replay
        await verdict("s-1", Status.NO_ENCONTRADO, 1),  # older: no change
        await verdict("s-7", Status.EN_LISTA_NOMINAL, 2),  # aux-2: decided
    ]
    await repository.apply_verdicts(batch)
    counts = {c.captured_by: c for c in await repository.auxiliary_counts("gub-son-2027", "asp-01")}
    one, two = counts["aux-1"], counts["aux-2"]
    assert (one.supports, one.decided, one.rejected) == (3, 2, 0)
    assert (two.supports, two.decided, two.rejected) == (6, 4, 2)
    view = await repository.support("s-1")
    assert view is not None and view.status == "EN_LISTA_NOMINAL"
