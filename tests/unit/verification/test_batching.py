"""Group commit: concurrent submissions share a flush; a failed shared flush fails only the
caller whose items fail alone."""

import asyncio

import pytest

from apoyo_verification.batching import GroupCommit


async def test_a_lone_caller_is_flushed_at_once_and_concurrent_ones_together() -> None:
    flushes: list[list[int]] = []
    gate = asyncio.Event()

    async def flush(items: list[int]) -> list[int]:
        flushes.append(items)
        if len(flushes) == 1:
            await gate.wait()  # the first flush is slow: the others gather behind it
        return [i * 10 for i in items]

    group = GroupCommit(flush, max_items=100)
    first = asyncio.create_task(group.submit([1]))
    await asyncio.sleep(0)
    others = [asyncio.create_task(group.submit([i, i + 1])) for i in (2, 4, 6)]
    await asyncio.sleep(0)
    gate.set()
    assert await first == [10]
    assert [await t for t in others] == [[20, 30], [40, 50], [60, 70]]
    assert flushes == [[1], [2, 3, 4, 5, 6, 7]]


async def test_a_group_is_cut_at_the_most_items_a_flush_takes() -> None:
    flushes: list[list[int]] = []

    async def flush(items: list[int]) -> list[int]:
        flushes.append(items)
        await asyncio.sleep(0)
        return items

    group = GroupCommit(flush, max_items=3)
    await asyncio.gather(*(group.submit([i, i]) for i in range(4)))
    assert all(len(f) <= 3 for f in flushes)
    assert sorted(i for f in flushes for i in f) == [0, 0, 1, 1, 2, 2, 3, 3]


async def test_when_a_shared_flush_fails_each_caller_is_flushed_alone() -> None:
    async def flush(items: list[int]) -> list[int]:
        await asyncio.sleep(0)
        if 13 in items:
            raise ValueError("poison")
        return items

    group = GroupCommit(flush)
    results = await asyncio.gather(
        group.submit([1]), group.submit([2]), group.submit([13]), group.submit([4]),
        return_exceptions=True,
    )  # fmt: skip
    assert results[0] == [1] and results[1] == [2] and results[3] == [4]
    assert isinstance(results[2], ValueError)


async def test_a_lone_failure_reaches_its_caller() -> None:
    async def flush(items: list[int]) -> list[int]:
        raise ValueError("down")

    with pytest.raises(ValueError, match="down"):
        await GroupCommit(flush).submit([1])


async def test_callers_arriving_during_a_run_share_one_more_run() -> None:
    from apoyo_verification.batching import Coalesced

    runs, gate = [0], asyncio.Event()

    async def work() -> None:
        runs[0] += 1
        if runs[0] == 1:
            await gate.wait()

    once = Coalesced(work)
    first = asyncio.create_task(once())
    await asyncio.sleep(0)
    await asyncio.gather(*(once() for _ in range(5)))  # return at once: a run is going
    gate.set()
    await first
    assert runs == [2]  # the first, and one more for everyone who came during it
    await once()
    assert runs == [3]
