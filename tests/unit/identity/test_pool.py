"""The analysis pool's workers: one thread each (the pool is the parallelism), memory kept."""

import asyncio
import os

import cv2
import pytest

from apoyo_identity.pool import KEEP_MEMORY, ONE_THREAD, PoolAnalyser


def test_each_worker_runs_its_libraries_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*ONE_THREAD, *KEEP_MEMORY):  # restored after the test
        monkeypatch.delenv(name, raising=False)
    analyser = PoolAnalyser(1)
    try:
        opencv = analyser.pool.submit(cv2.getNumThreads).result(timeout=300)
        blas = analyser.pool.submit(os.getenv, "OPENBLAS_NUM_THREADS").result(timeout=60)
        trim = analyser.pool.submit(os.getenv, "MALLOC_TRIM_THRESHOLD_").result(timeout=60)
    finally:
        analyser.close()
    assert (opencv, blas, trim) == (1, "1", str(256 << 20))


def test_an_operators_thread_setting_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    analyser = PoolAnalyser(1)
    analyser.close()
    assert os.environ["OMP_NUM_THREADS"] == "3"


async def test_a_worker_analyses_a_support_and_sends_back_what_it_found() -> None:
    analyser = PoolAnalyser(1)
    try:
        found = await asyncio.wait_for(analyser.analyse({"signature": b"not an image"}), 300)
    finally:
        analyser.close()
    assert found.images["signature"].unreadable
