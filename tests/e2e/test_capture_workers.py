"""`apoyo serve capture --workers 2` (APOYO_HTTP_WORKERS): two processes answer on one port,
each a whole capture service, and they go when their parent goes, even a SIGKILLed one."""

import asyncio
import socket
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import PROCESS, aux_token, client, people
from tests.e2e.harness import Deployment, deployment
from tests.e2e.posting import post_many

pytestmark = pytest.mark.e2e


def workers_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.name.isdigit() and int(fields[1]) == parent:
            found.append(int(entry.name))
    return found


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_two_workers_share_the_port_and_go_with_their_parent(tmp_path: Path) -> None:
    deployed = deployment(tmp_path)
    deployed.env["APOYO_HTTP_WORKERS"] = "2"
    try:
        deployed.start("capture")
        deployed.wait_ready(("capture",))
        deployed.create_process(PROCESS)
        parent = deployed.processes["capture"].pid
        workers = workers_of(parent)
        assert len(workers) == 2
        before = {pid: cpu_ticks(pid) for pid in workers}
        accepted = asyncio.run(post(deployed, 40))
        assert len(accepted) == len(set(accepted)) == 40
        assert all(cpu_ticks(pid) > before[pid] for pid in workers)  # both answered
        deployed.kill("capture")
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in workers):
            assert time.monotonic() < deadline, "a worker outlived its parent"
            time.sleep(0.2)
        assert port_is_free(deployed.ports["capture"])
    finally:
        deployed.retire()


async def post(deployed: Deployment, count: int) -> list[str]:
    async with client(deployed) as http:
        return await post_many(
            http, aux_token(deployed), people(deployed, count, seed=5), "w", parallel=8
        )
