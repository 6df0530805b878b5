"""Issue 9, item 3: the raw clave de elector, CURP, names and e-mails never appear in a Kafka
key, a metric label, a log line or an error message. A full run on Kafka, PostgreSQL and S3
(auxiliary, invitation and refused supports, the citizen's inquiry, the hearing, the desk and
an export) is gathered whole and searched for every synthetic identity it used."""

import asyncio
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from apoyo.synthetic.people import Citizen, make_citizens
from apoyo_common.signing import key_id, load_or_create_key, public_pem
from tests.e2e.conftest import PROCESS
from tests.e2e.emitted import (
    Emitted,
    ErrorBodies,
    identities,
    kafka_keys,
    leaks,
    log_lines,
    metric_labels,
)
from tests.e2e.flows import Flows
from tests.e2e.harness import SERVICES, Deployment, deployment
from tests.paths import APOYO, ROOT
from tests.roll_files import CUT

pytestmark = pytest.mark.e2e
IN_ROLL, OUTSIDE = 10, 3  # people loaded as the cut; people no record matches


def email_of(index: int, person: Citizen) -> str:
    return f"{person.nombre}.{person.apellido_paterno}.{index}@example.org".lower()


@pytest.fixture
def deployed() -> Iterator[Deployment]:
    made = deployment(ROOT / ".local" / "e2e-logs")
    made.env |= {"APOYO_ECHO_SECRETS": "true", "APOYO_LOG_LEVEL": "DEBUG"}
    try:
        for service in SERVICES:
            made.start(service)
        made.wait_ready()
        made.create_process(PROCESS)
        yield made
    finally:
        made.retire()


def cli_output(deployed: Deployment, *args: str) -> list[str]:
    done = subprocess.run(
        [APOYO, *args], env=deployed.env, capture_output=True, text=True, timeout=120, check=False
    )
    return (done.stdout + done.stderr).splitlines()


def access_logs_hold(deployed: Deployment, folder: Path) -> list[str]:
    """The run's reads are in each service's access log, which verifies live and exported."""
    live = cli_output(deployed, "access-log", "verify")
    counts = dict(re.findall(r"(capture|verification|export) (\d+)", live[-1]))
    assert live[-1].startswith("Bitácora de accesos íntegra") and len(counts) == 3, live
    assert all(int(n) > 0 for n in counts.values()), live
    package = str(folder / "accesos.zip")
    exported = cli_output(deployed, "access-log", "export", "--out", package)
    key = load_or_create_key(Path(deployed.env["APOYO_SIGNING_KEY_FILE"])).public_key()
    (folder / "llave.pem").write_bytes(public_pem(key))
    offline = cli_output(deployed, "access-log", "verify", package, "--public-key",
                         str(folder / "llave.pem"))  # fmt: skip
    assert offline == [live[-1].replace(".", f", firma válida (llave {key_id(key)}).")], offline
    return live + exported + offline


def test_no_identity_in_logs_keys_metrics_or_errors(deployed: Deployment, tmp_path: Path) -> None:
    people = make_citizens(IN_ROLL + OUTSIDE, seed=91)
    deployed.load_roll(people[:IN_ROLL], CUT)
    emails = [email_of(i, p) for i, p in enumerate(people)]
    errors = ErrorBodies()
    asyncio.run(Flows(deployed, people, emails, errors).run(tmp_path))
    emitted = Emitted()
    emitted.add("kafka_key", asyncio.run(kafka_keys(deployed)))
    emitted.add("metric_label", metric_labels(deployed))
    emitted.add("cli", access_logs_hold(deployed, tmp_path))
    deployed.stop_all()  # shutdown lines too
    emitted.add("log_line", log_lines(deployed))
    emitted.add("error_body", errors.bodies)
    wanted = identities(people, emails)
    counts = emitted.counts()
    print(f"\nscanned {counts} for {len(wanted)} identities of {len(people)} people")
    assert counts["kafka_key"] >= 5 * IN_ROLL and counts["metric_label"] > 100
    assert counts["log_line"] > 100 and counts["error_body"] >= 6
    found = leaks(emitted, wanted)
    assert found == [], "\n".join(found[:40])
