"""Capture's process definitions kept a second: read once within it, again after, an unknown
process never kept, a read shared by the requests that wait for it."""

import asyncio

import pytest

from apoyo_capture.adapters.memory import InMemoryCaptureRepository
from apoyo_capture.recent_processes import RecentProcesses
from apoyo_common.processes import ProcessDefinition
from tests.factories import process


class CountedReads(InMemoryCaptureRepository):
    reads: int = 0

    async def process(self, process_id: str) -> ProcessDefinition | None:
        self.reads += 1
        return await super().process(process_id)


async def test_a_definition_is_read_once_a_second_and_its_change_seen_after() -> None:
    repository, now = CountedReads(), [100.0]
    await repository.save_process(process())
    recent = RecentProcesses(repository.process, max_age_s=1.0, clock=lambda: now[0])
    first = await recent.get("gub-son-2027")
    assert first is not None
    now[0] += 0.9
    assert await recent.get("gub-son-2027") is first and repository.reads == 1
    changed = process().model_copy(update={"require_selfie": not first.require_selfie})
    await repository.save_process(changed)
    assert await recent.get("gub-son-2027") is first  # within the second: the kept one
    now[0] += 0.2
    assert await recent.get("gub-son-2027") == changed and repository.reads == 2


async def test_an_unknown_process_is_read_each_time_so_its_creation_counts_at_once() -> None:
    repository = CountedReads()
    recent = RecentProcesses(repository.process, clock=lambda: 100.0)
    assert await recent.get("gub-son-2027") is None
    await repository.save_process(process())
    assert await recent.get("gub-son-2027") == process() and repository.reads == 2


async def test_supports_arriving_while_it_is_read_again_wait_for_that_one_read() -> None:
    repository, now = CountedReads(), [100.0]
    await repository.save_process(process())
    recent = RecentProcesses(repository.process, max_age_s=1.0, clock=lambda: now[0])
    found = await asyncio.gather(*(recent.get("gub-son-2027") for _ in range(32)))
    assert repository.reads == 1 and all(f == process() for f in found)
    now[0] += 1.5
    await asyncio.gather(*(recent.get("gub-son-2027") for _ in range(32)))
    assert repository.reads == 2


async def test_a_failed_read_fails_its_waiters_and_the_next_request_reads_again() -> None:
    calls: list[str] = []

    async def failing(process_id: str) -> ProcessDefinition | None:
        calls.append(process_id)
        await asyncio.sleep(0)
        raise ConnectionError("PostgreSQL is away")

    recent = RecentProcesses(failing, clock=lambda: 100.0)
    answers = await asyncio.gather(
        *(recent.get("gub-son-2027") for _ in range(4)), return_exceptions=True
    )
    assert all(isinstance(a, ConnectionError) for a in answers) and len(calls) == 1
    with pytest.raises(ConnectionError):
        await recent.get("gub-son-2027")
    assert len(calls) == 2


async def test_a_request_that_gives_up_leaves_the_read_to_the_others() -> None:
    repository = CountedReads()
    await repository.save_process(process())
    recent = RecentProcesses(repository.process, clock=lambda: 100.0)
    first = asyncio.ensure_future(recent.get("gub-son-2027"))
    second = asyncio.ensure_future(recent.get("gub-son-2027"))
    await asyncio.sleep(0)
    first.cancel()
    assert await second == process() and repository.reads == 1
