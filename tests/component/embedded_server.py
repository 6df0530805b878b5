"""`apoyo serve all --embedded` as a user runs it: its own process, data dir and port."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

from apoyo.demo import free_port
from apoyo.synthetic.people import Citizen
from apoyo.synthetic.roll import roll_csv
from tests.paths import APOYO, ROOT


@dataclass
class EmbeddedServer:
    data: Path
    port: int
    process: subprocess.Popen[bytes]
    # Tokens issued so far (they last 12 h): each `apoyo token issue` is a process that
    # imports the CLI, seconds of CPU on a loaded machine, and the tests poll with them.
    tokens: dict[tuple[str, ...], str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def dsn(self) -> str:
        port = (self.data / "postgres" / "port").read_text().strip()
        return f"postgresql://postgres@127.0.0.1:{port}/apoyo"

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [APOYO, *args, "--data", str(self.data)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.strip()

    def token(
        self,
        role: str,
        process: str | None = None,
        aspirant: str | None = None,
        subject: str | None = None,
    ) -> str:
        args = ["token", "issue", "--role", role]
        args += ["--process", process] if process else []
        args += ["--aspirant", aspirant] if aspirant else []
        args += ["--subject", subject] if subject else []
        key = tuple(args)
        if key not in self.tokens:
            self.tokens[key] = self.cli(*args)
        return self.tokens[key]

    def load_roll(self, citizens: list[Citizen], cut: date) -> None:
        roll = self.data / "voter-roll.csv"
        roll.write_text(roll_csv(citizens), encoding="utf-8")
        self.cli("voter-roll", "load", str(roll), "--cut", cut.isoformat())

    def create_process(self, definition: dict[str, object]) -> None:
        path = self.data / f"process-{uuid.uuid4().hex[:6]}.json"
        path.write_text(json.dumps(definition))
        self.cli("process", "create", str(path))

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def start(extra_env: dict[str, str] | None = None) -> EmbeddedServer:
    data = ROOT / ".local" / f"test-embedded-{uuid.uuid4().hex[:8]}"
    data.mkdir(parents=True)
    data.chmod(0o755)
    port = free_port()
    env = {**os.environ, **(extra_env or {})}
    with (data / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [APOYO, "serve", "all", "--embedded", "--data", str(data), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    server = EmbeddedServer(data, port, process)
    wait_ready(server)
    return server


@contextlib.contextmanager
def serving(
    env: dict[str, str], citizens: list[Citizen], cut: date, process: dict[str, object]
) -> Iterator[EmbeddedServer]:
    """A running server whose cut holds `citizens` and which knows `process`; removed after."""
    running = start(env)
    try:
        running.load_roll(citizens, cut)
        running.create_process(process)
        yield running
    finally:
        running.stop()
        remove(running)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def wait_ready(server: EmbeddedServer, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError((server.data / "server.log").read_text())
        try:
            if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError("embedded server not ready")


def remove(server: EmbeddedServer) -> None:
    shutil.rmtree(server.data, ignore_errors=True)
