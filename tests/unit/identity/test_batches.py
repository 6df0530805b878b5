"""Identity takes supports from Kafka in batches: all of a batch at once, none abandoned."""

import asyncio

import pytest

from apoyo_identity.bootstrap import together


async def test_a_batchs_supports_are_handled_at_once() -> None:
    started: list[bytes] = []
    everyone = asyncio.Event()

    async def handle(raw: bytes) -> None:
        started.append(raw)
        if len(started) == 3:
            everyone.set()
        await everyone.wait()  # one at a time, the first would wait forever

    await asyncio.wait_for(together(handle)([b"a", b"b", b"c"]), 5)
    assert sorted(started) == [b"a", b"b", b"c"]


async def test_a_failure_lets_the_others_finish_then_hands_the_batch_back() -> None:
    done: list[bytes] = []

    async def handle(raw: bytes) -> None:
        if raw == b"poison":
            raise ValueError("unreadable")
        await asyncio.sleep(0.01)
        done.append(raw)

    with pytest.raises(ValueError, match="unreadable"):
        await together(handle)([b"a", b"poison", b"c"])
    assert sorted(done) == [b"a", b"c"]
