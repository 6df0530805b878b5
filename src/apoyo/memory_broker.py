"""FastStream's in-memory broker, made fit for a long-running embedded process.

`TestKafkaBroker` routes every publish to the subscribers in memory, which is what the
embedded default needs; but, being made for tests, it also records every call and logs into a
mock, so a long run would grow without bound. A background task forgets those recordings.
The attributes touched are FastStream 0.7.8's (the version is pinned in libs/common).
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from faststream.kafka import KafkaBroker, TestKafkaBroker


def forget_recordings(broker: KafkaBroker) -> int:
    """Drop what the test machinery recorded; return how many calls were dropped."""
    dropped = 0
    for subscriber in broker.subscribers:
        for call in getattr(subscriber, "calls", ()):
            recorder: Any = getattr(call.handler, "_recorder", None)
            if recorder is not None:
                dropped += len(recorder.calls)
                recorder.reset()
    logger: Any = getattr(getattr(broker.config, "logger", None), "logger", None)
    mock: Any = getattr(logger, "logger", None)
    if mock is not None and hasattr(mock, "reset_mock"):
        mock.reset_mock()
    return dropped


@contextlib.asynccontextmanager
async def in_memory(broker: KafkaBroker, every_s: float = 5.0) -> AsyncIterator[KafkaBroker]:
    async def keep_forgetting() -> None:
        while True:
            await asyncio.sleep(every_s)
            forget_recordings(broker)

    async with TestKafkaBroker(broker) as running:
        task = asyncio.create_task(keep_forgetting())
        try:
            yield running
        finally:
            task.cancel()
