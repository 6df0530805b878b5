"""Writes gathered while one is in flight (apoyo_common.gathered)."""

import asyncio

import pytest

from apoyo_common.gathered import Gathered, Outcomes


class Writes:
    """A write that takes its time, records its batches and refuses what it is told to."""

    def __init__(self, refused: frozenset[str] = frozenset(), fails: bool = False) -> None:
        self.batches: list[list[str]] = []
        self.refused, self.fails = refused, fails
        self.release = asyncio.Event()

    async def __call__(self, items: list[str]) -> Outcomes:
        self.batches.append(items)
        await self.release.wait()
        if self.fails:
            raise ConnectionResetError("the database went away")
        return [ValueError(i) if i in self.refused else None for i in items]


async def test_a_lone_item_is_written_at_once_and_alone() -> None:
    writes = Writes()
    writes.release.set()
    gathered = Gathered(writes, most=8)
    await gathered.add("a")
    await gathered.add("b")
    assert writes.batches == [["a"], ["b"]]


async def test_items_arriving_during_a_write_share_the_next_one() -> None:
    writes = Writes()
    gathered = Gathered(writes, most=3)
    first = asyncio.create_task(gathered.add("a"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # "a" is being written
    later = [asyncio.create_task(gathered.add(i)) for i in "bcdef"]
    await asyncio.sleep(0)
    assert not first.done()  # nobody returns before the write that carried it
    writes.release.set()
    await asyncio.gather(first, *later)
    assert writes.batches == [["a"], ["b", "c", "d"], ["e", "f"]]


async def test_each_item_gets_its_own_outcome() -> None:
    writes = Writes(refused=frozenset({"b"}))
    writes.release.set()
    gathered = Gathered(writes, most=8)
    outcomes = await asyncio.gather(*(gathered.add(i) for i in "abc"), return_exceptions=True)
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], ValueError)


async def test_a_failed_write_fails_every_item_it_carried() -> None:
    writes = Writes(fails=True)
    writes.release.set()
    gathered = Gathered(writes, most=8)
    outcomes = await asyncio.gather(*(gathered.add(i) for i in "ab"), return_exceptions=True)
    assert all(isinstance(o, ConnectionResetError) for o in outcomes)
    writes.fails = False
    await gathered.add("c")  # the next write goes on
    assert writes.batches[-1] == ["c"]


async def test_a_cancelled_caller_does_not_cancel_the_write() -> None:
    writes = Writes()
    gathered = Gathered(writes, most=8)
    gone = asyncio.create_task(gathered.add("a"))
    stays = asyncio.create_task(gathered.add("b"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    gone.cancel()
    writes.release.set()
    await stays
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert writes.batches == [["a", "b"]]
