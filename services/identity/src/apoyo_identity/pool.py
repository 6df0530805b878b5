"""Image analysis off the event loop, in a pool of worker processes."""

import asyncio
import ctypes
import fcntl
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Protocol

from apoyo_common.heap import ANALYSIS
from apoyo_identity.analysis import analyse_support
from apoyo_identity.findings import SupportFindings

# Each worker is one core's worth of analysis: the pool is the parallelism. Left to
# themselves, numpy's BLAS and OpenCV start a thread per core in every worker, and their
# threads spin waiting on each other: 96 CPU ms per support instead of 55 (measured with
# benchmarks/identity_throughput.py's supports, 2 cores). The BLAS reads these when numpy
# is first imported, so they are set for the workers before they are spawned.
ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# glibc's malloc keeping each decoded photo's arrays in the heap for the next picture (the
# values and why: `apoyo_common.heap.ANALYSIS`). Read by glibc when a worker starts; other C
# libraries ignore them.
KEEP_MEMORY = ANALYSIS.environment()


class Analyser(Protocol):
    async def analyse(self, images: dict[str, bytes]) -> SupportFindings: ...


PR_SET_PDEATHSIG = 1  # linux/prctl.h
F_SETPIPE_SZ = 1031  # linux/fcntl.h
# The pipe that carries each support's images to the workers (about 400 KB for a 1280 px
# front and back) holds 64 KB by default: the pool's feeding thread and the worker then take
# turns a chunk at a time, each woken by the other, and the worker gathers the chunks into
# one buffer. Held whole (1 MiB: Linux's limit for a process without privileges), handing
# a support to a worker and back took 0.36 CPU ms instead of 0.45, the two processes
# together (docs/identity.md, "The pool's pipe").
PIPE_BYTES = 1 << 20


def die_with(parent: int) -> None:
    """Have the kernel kill this worker when the service's process dies. A worker waits on
    the pool's queue, whose writing end it holds itself: a SIGKILLed service left its workers
    waiting for ever, adopted by init (about 150 MB each, more at every restart). The service
    may also have died before this ran."""
    if sys.platform != "linux":
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _warm_up(parent: int) -> None:
    """Die with the service; one thread per worker; load (or, the first time on a machine,
    train) the MRZ character classifier once per worker, not on its first support."""
    import cv2

    die_with(parent)

    from apoyo_identity.vision.classifier import model

    cv2.setNumThreads(1)
    model()


@contextmanager
def _main_script_left_out() -> Iterator[None]:
    """Workers spawned meanwhile do not run the service's main script again. A spawned
    worker runs the parent's `__main__` file (as `__mp_main__`) when it has one, for
    anything pickled from it; the `apoyo` command's script imports the whole command line,
    every service with it: 2.5-3 CPU seconds and 60 MB more a worker than the analysis
    needs (0.5 s). Nothing the workers run comes from `__main__`."""
    main = sys.modules["__main__"]
    script = main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        if script is not None:
            main.__file__ = script


def _widen_pipe(pool: ProcessPoolExecutor) -> None:
    """The pool's call queue holds PIPE_BYTES (both ends share the pipe's buffer), where the
    platform allows it; as it was otherwise."""
    queue = getattr(pool, "_call_queue", None)  # CPython's: its pipe to the workers
    writer = getattr(queue, "_writer", None)
    if sys.platform != "linux" or writer is None:
        return
    try:
        fcntl.fcntl(writer.fileno(), F_SETPIPE_SZ, PIPE_BYTES)
    except OSError:
        pass  # a lower /proc/sys/fs/pipe-max-size: the default 64 KB


class PoolAnalyser:
    def __init__(self, workers: int) -> None:
        # Inherited by the spawned workers; an operator's own values win.
        for name, value in {**dict.fromkeys(ONE_THREAD, "1"), **KEEP_MEMORY}.items():
            os.environ.setdefault(name, value)
        # spawn: a forked copy of a process running an event loop and Kafka clients is unsafe.
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm_up,
            initargs=(os.getpid(),),
        )
        _widen_pipe(self.pool)

    async def analyse(self, images: dict[str, bytes]) -> SupportFindings:
        loop = asyncio.get_running_loop()
        with _main_script_left_out():  # the pool starts its workers as work comes in
            analysed = loop.run_in_executor(self.pool, analyse_support, images)
        return await analysed

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
