"""Reads of personal data through the HTTP app of every unit land in the reading service's
access log, with who, why and which supports; refused reads leave nothing; the chains verify
live and, exported, offline."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from apoyo.access_log import export_logs, verify_file, verify_live
from apoyo.client import support_data, support_files
from apoyo.synthetic.roll import demo_process
from apoyo_common.access.postgres import PgAccessLog
from apoyo_common.codes import Role
from apoyo_common.processes import ProcessDefinition
from apoyo_common.settings import Settings
from apoyo_common.tokens import Principal, issue
from apoyo_verification.adapters.book_postgres import PgProcesses
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.bootstrap import desk_of
from apoyo_verification.desk.service import ReviewDesk
from tests.component.all_units import AllUnits, all_units
from tests.component.test_export_jobs import stock
from tests.component.test_verification_duplicates import load, support
from tests.factories import NOW, citizen
from tests.roll_files import CUT
from tests.unit.verification.cases import PROCESS as DESK_PROCESS

pytestmark = pytest.mark.component
SECRET = "access-log-test-secret-of-at-least-32-bytes"
PROCESS = ProcessDefinition.model_validate(demo_process(CUT))
TARGET = {"process_id": "gub-son-2027", "aspirant_id": "asp-01"}


def bearer(role: Role, subject: str, aspirant: str | None = None) -> dict[str, str]:
    process = "gub-son-2027" if aspirant else None
    token = issue(SECRET, Principal(role, subject, process, aspirant), timedelta(minutes=5))
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Served:
    units: AllUnits
    pool: asyncpg.Pool
    settings: Settings

    @property
    def client(self) -> httpx.AsyncClient:
        return self.units.client

    async def logged(self, service: str) -> list[dict[str, object]]:
        entries = await PgAccessLog(self.pool, service).entries()
        return [e.record() for e in entries]

    async def captured(self, index: int) -> str:
        person = citizen(index)
        data = support_data(person, "gub-son-2027", "asp-01") | {"captured_at": NOW.isoformat()}
        answer = await self.client.post(
            "/v1/supports",
            data={"data": json.dumps(data)},
            files=support_files(person),
            headers=bearer(Role.AUXILIARY, "aux-1", "asp-01") | {"Idempotency-Key": f"k{index}"},
        )
        assert answer.status_code == 202, answer.text
        return str(answer.json()["support_id"])


@pytest.fixture
async def served(pool: asyncpg.Pool, database: str, tmp_path: Path) -> AsyncIterator[Served]:
    key = tmp_path / "institute.pem"
    async with all_units(pool, tmp_path, SECRET, signing_key_file=key) as units:
        await units.exposed("capture", "repository").save_process(PROCESS)
        yield Served(units, pool, Settings(database_url=database, signing_key_file=key))


async def test_capture_logs_who_read_which_support_and_why(served: Served) -> None:
    support_id = await served.captured(1)
    ople, own = bearer(Role.OPLE, "ople:ana"), bearer(Role.ASPIRANT, "asp:1", "asp-01")
    other = bearer(Role.ASPIRANT, "asp:2", "asp-02")
    assert (await served.client.get(f"/v1/supports/{support_id}", headers=ople)).is_success
    path = f"/v1/supports/{support_id}/certificate"
    assert (await served.client.get(path, headers=own)).is_success
    assert (await served.client.get(path, headers=other)).status_code == 403
    assert (await served.client.get("/v1/supports/no-such", headers=ople)).status_code == 404
    portal = f"/v1/supports/{support_id}"
    assert (await served.client.get(portal + "/details", headers=own)).is_success
    assert (await served.client.get(portal + "/evidence/signature", headers=own)).is_success
    logged = await served.logged("capture")
    fields = ("subject", "role", "purpose", "kind", "support_ids")
    assert [tuple(e[f] for f in fields) for e in logged] == [
        ("ople:ana", "ople", "seguimiento", "support", [support_id]),
        ("asp:1", "aspirant", "certificado", "certificate", [support_id]),
        ("asp:1", "aspirant", "seguimiento", "support_details", [support_id]),
        ("asp:1", "aspirant", "seguimiento", "evidence/signature", [support_id]),
    ]
    assert logged[0]["aspirant_id"] == "asp-01" and logged[0]["at"] == NOW.isoformat()


async def test_logs_verify_live_and_exported(served: Served, tmp_path: Path) -> None:
    support_id = await served.captured(2)
    ople = bearer(Role.OPLE, "ople:ana")
    for _ in range(3):
        await served.client.get(f"/v1/supports/{support_id}", headers=ople)
    live = await verify_live(served.settings)
    assert live.ok and live.entries["capture"] == 3
    package = tmp_path / "accesos.zip"
    manifest = await export_logs(served.settings, package)
    assert [log["entries"] for log in manifest["logs"] if log["log"] == "capture"] == [3]
    assert verify_file(package).ok
    assert (await verify_live(served.settings, package)).ok


async def test_the_desk_and_the_export_package_log_their_reads(served: Served) -> None:
    await load(PgVoterRoll(served.pool))
    await PgProcesses(served.pool).save(DESK_PROCESS)
    desk = desk_of(served.units.units)
    assert isinstance(desk, ReviewDesk)
    await desk.verifier.verify_many([support(0, "blurry", flags=("BLURRY",))])
    reviewer = bearer(Role.OPLE, "ople:revisora")
    queue = "/v1/review/queue?process_id=gub-son-2027"
    assert (await served.client.get(queue, headers=reviewer)).is_success
    assert (await served.client.get("/v1/review/items/blurry", headers=reviewer)).is_success
    case = "/v1/review/items/blurry/case"
    assert (await served.client.get(case, headers=reviewer)).is_success
    exporter = served.units.exposed("export", "exporter")
    await stock(exporter, 2)
    asked = await served.client.post("/v1/exports", json=TARGET, headers=reviewer)
    assert await exporter.run_once()
    package = f"/v1/exports/{asked.json()['export_id']}/package"
    assert (await served.client.get(package, headers=reviewer)).is_success
    decisions = "/v1/review/decisions?process_id=gub-son-2027"
    assert (await served.client.get(decisions, headers=reviewer)).is_success
    logged = await served.logged("verification")
    assert [(e["purpose"], e["kind"], e["support_ids"]) for e in logged] == [
        ("revision", "review_queue", ["blurry"]),
        ("revision", "review_item", ["blurry"]),
        ("revision", "review_case", ["blurry"]),
        ("revision", "review_decisions", []),
    ]
    [exported] = await served.logged("export")
    assert (exported["subject"], exported["purpose"]) == ("ople:revisora", "exportacion")
    assert exported["kind"] == f"export_package/{asked.json()['export_id']}"
