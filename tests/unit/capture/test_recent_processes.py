"""Capture's process definitions kept a second: read once within it, again after, an unknown
process never kept."""

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
