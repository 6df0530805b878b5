"""End-to-end tier: needs the servers of deploy/local/infra.sh (the test command starts them)."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from apoyo.demo import capture_window_around_now
from apoyo.synthetic.people import Citizen, make_citizens
from apoyo.synthetic.roll import demo_process
from apoyo_common.settings import Settings
from tests.e2e.harness import SERVICES, Deployment, deployment
from tests.paths import ROOT
from tests.roll_files import CUT

# Supports are captured now: the window is around today, the cut is loaded by `people`.
PROCESS = demo_process(CUT) | {"capture": capture_window_around_now()}


def settings_of(deployed: Deployment) -> Settings:
    """The settings a command run beside the deployment would have (its database, bucket)."""
    env = deployed.env
    return Settings(
        database_url=env["APOYO_DATABASE_URL"],
        s3_endpoint=env["APOYO_S3_ENDPOINT"],
        s3_access_key=env["APOYO_S3_ACCESS_KEY"],
        s3_secret_key=SecretStr(env["APOYO_S3_SECRET_KEY"]),
        s3_bucket=env["APOYO_S3_BUCKET"],
        kek_file=Path(env["APOYO_KEK_FILE"]),
    )


@pytest.fixture(scope="session", autouse=True)
def servers() -> None:
    """Make sure the real servers are up; print what they are, for the log."""
    done = subprocess.run(
        ["bash", str(ROOT / "deploy/local/infra.sh"), "up"],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    print("\n" + done.stdout)  # names the Kafka version and the S3 server in the test log
    if done.returncode != 0:
        pytest.fail(f"deploy/local/infra.sh up failed:\n{done.stdout}\n{done.stderr}")


@pytest.fixture
def running() -> Iterator[Deployment]:
    deployed = deployment(ROOT / ".local" / "e2e-logs")
    try:
        for service in SERVICES:
            deployed.start(service)
        deployed.wait_ready()
        deployed.create_process(PROCESS)
        yield deployed
    finally:
        deployed.retire()


def aux_token(deployed: Deployment) -> str:
    return deployed.cli(
        "token", "issue", "--role", "auxiliary", "--process", "gub-son-2027", "--subject", "aux-e2e"
    )


def people(deployed: Deployment, count: int, seed: int) -> list[Citizen]:
    """Synthetic citizens, loaded as the process's voter-roll cut (rows the loader rejects,
    such as impossible CURPs, are left out: those supports are NO_ENCONTRADO)."""
    found = make_citizens(count, seed=seed)
    deployed.load_roll(found, CUT)
    return found


def client(deployed: Deployment) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=deployed.capture_url, timeout=60)
