"""The analysis pool's workers: one thread each (the pool is the parallelism), memory kept,
and gone with the service when it is killed."""

import asyncio
import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest

from apoyo_identity.pool import KEEP_MEMORY, ONE_THREAD, PIPE_BYTES, PoolAnalyser

F_GETPIPE_SZ = 1032  # linux/fcntl.h


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


@pytest.mark.skipif(sys.platform != "linux", reason="pipe sizes are Linux's")
def test_the_pipe_to_the_workers_holds_a_supports_images_whole() -> None:
    if int(Path("/proc/sys/fs/pipe-max-size").read_text()) < PIPE_BYTES:
        pytest.skip("this machine allows smaller pipes: the default is kept")
    analyser = PoolAnalyser(1)
    try:
        writer = analyser.pool._call_queue._writer  # type: ignore[attr-defined]
        size = fcntl.fcntl(writer.fileno(), F_GETPIPE_SZ)
    finally:
        analyser.close()
    assert size == PIPE_BYTES


# A service's main script: its lines outside the guard say in which process they ran.
SCRIPT = """
import asyncio
import os
print(__name__, os.getpid(), flush=True)
if __name__ == "__main__":
    from apoyo_identity.pool import PoolAnalyser
    analyser = PoolAnalyser(1)
    found = asyncio.run(asyncio.wait_for(analyser.analyse({"signature": b"not an image"}), 300))
    analyser.close()
    print(found.images["signature"].unreadable, flush=True)
"""


def test_a_worker_does_not_run_the_services_main_script_again(tmp_path: Path) -> None:
    script = tmp_path / "service.py"
    script.write_text(SCRIPT)
    ran = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=400
    )
    lines = ran.stdout.split()
    assert (lines[0], lines[2:]) == ("__main__", ["True"])  # no `__mp_main__` line


SERVICE = """
import os
import time
from apoyo_identity.pool import PoolAnalyser
analyser = PoolAnalyser(1)
print(analyser.pool.submit(os.getpid).result(timeout=300), flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    """Running or sleeping: neither gone nor a zombie waiting for init to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.skipif(sys.platform != "linux", reason="the kernel's parent-death signal")
def test_a_worker_dies_with_a_killed_service() -> None:
    with subprocess.Popen([sys.executable, "-c", SERVICE], stdout=subprocess.PIPE) as service:
        try:
            assert service.stdout is not None
            worker = int(service.stdout.readline())
            assert alive(worker)
        finally:
            service.kill()  # SIGKILL: no shutdown of the pool
    deadline = time.monotonic() + 30
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(worker)


@pytest.mark.skipif(sys.platform != "linux", reason="the kernel's parent-death signal")
def test_a_worker_whose_service_died_before_it_started_exits() -> None:
    code = "from apoyo_identity.pool import die_with; die_with(1); print('still here')"
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (ran.returncode, ran.stdout) == (1, "")
