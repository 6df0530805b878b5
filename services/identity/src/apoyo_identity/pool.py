"""Image analysis off the event loop, in a pool of worker processes."""

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol

from apoyo_identity.analysis import analyse_support
from apoyo_identity.findings import SupportFindings


class Analyser(Protocol):
    async def analyse(self, images: dict[str, bytes]) -> SupportFindings: ...


def _warm_up() -> None:
    """Load (or, the first time on a machine, train) the MRZ character classifier once per
    worker, not on its first support."""
    from apoyo_identity.vision.classifier import model

    model()


class PoolAnalyser:
    def __init__(self, workers: int) -> None:
        # spawn: a forked copy of a process running an event loop and Kafka clients is unsafe.
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm_up,
        )

    async def analyse(self, images: dict[str, bytes]) -> SupportFindings:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, analyse_support, images)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
