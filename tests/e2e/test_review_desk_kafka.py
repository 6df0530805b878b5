"""The review desk and re-verification with each service its own process on real Kafka and
PostgreSQL: a reviewer's decision is published again on `support.verified`, and re-verifying
against a newer cut publishes only the outcome that changed."""

import asyncio
import csv
import json
import time
from collections.abc import Callable
from datetime import timedelta

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from apoyo.synthetic.people import Citizen
from apoyo.synthetic.roll import roll_row
from apoyo_verification.roll.rows import COLUMNS
from tests.e2e.conftest import aux_token, client, people
from tests.e2e.harness import Deployment
from tests.e2e.posting import post_many
from tests.roll_files import CUT

pytestmark = pytest.mark.e2e
SUPPORTS = 12
NEWER = CUT + timedelta(days=61)
Verified = list[tuple[str, str]]  # (support_id, status) in the order Kafka delivered them


async def verified(
    deployed: Deployment, done: Callable[[Verified], bool], seconds: float
) -> Verified:
    """Every `support.verified` message from the start, read as an outside consumer, until
    `done` says so (then one more second, to see anything that should not be there)."""
    consumer = AIOKafkaConsumer(
        f"{deployed.namespace}.support.verified",
        bootstrap_servers=deployed.env["APOYO_KAFKA_BOOTSTRAP"],
        auto_offset_reset="earliest",
    )
    await consumer.start()
    seen: Verified = []
    deadline, quiet = time.monotonic() + seconds, None
    try:
        while time.monotonic() < (quiet or deadline):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                seen += [
                    (json.loads(r.value)["support_id"], json.loads(r.value)["status"])
                    for r in records
                ]
            if quiet is None and done(seen):
                quiet = time.monotonic() + 1.0
    finally:
        await consumer.stop()
    return seen


def news(before: Verified, after: Verified) -> Verified:
    """What `after` says beyond `before`, support by support (Kafka keeps the order of one
    support's messages, not across partitions); saying again what was decided (after a
    redelivered `identity.decoded`) is no news."""
    seen: dict[str, list[str]] = {}
    for support_id, status in before:
        seen.setdefault(support_id, []).append(status)
    counts = {sid: len(statuses) for sid, statuses in seen.items()}
    found: Verified = []
    for support_id, status in after:
        if counts.get(support_id, 0) > 0:
            counts[support_id] -= 1
            continue
        mine = seen.setdefault(support_id, [])
        if not mine or mine[-1] != status:
            found.append((support_id, status))
        mine.append(status)
    return found


async def outcomes(deployed: Deployment) -> dict[str, tuple[str, str]]:
    conn = await asyncpg.connect(deployed.dsn)
    try:
        rows = await conn.fetch("SELECT support_id, aspirant_id, status FROM verification.supports")
        return {r["support_id"]: (r["aspirant_id"], r["status"]) for r in rows}
    finally:
        await conn.close()


def load_newer_cut(deployed: Deployment, citizens: list[Citizen], dead: Citizen) -> None:
    path = deployed.logs / "voter-roll-newer.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for person in citizens:
            row = roll_row(person)
            if person is dead:
                row |= {"situacion": "BAJA", "causa_baja": "DEFUNCION"}
            writer.writerow(row)
    deployed.cli("voter-roll", "load", str(path), "--cut", NEWER.isoformat(), "--skip-invalid")


async def review(deployed: Deployment, sampled_aspirant: str) -> str:
    """Draw a sample of one for the aspirant and reject it at the desk; the support id."""
    ople = deployed.cli("token", "issue", "--role", "ople", "--subject", "ople:e2e")
    url = f"http://127.0.0.1:{deployed.ports['verification']}"
    headers = {"Authorization": f"Bearer {ople}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as http:
        body = {"process_id": "gub-son-2027", "aspirant_id": sampled_aspirant, "size": 1}
        assert (await http.post("/v1/review/samples", json=body)).status_code == 201
        [item] = (await http.get("/v1/review/queue?process_id=gub-son-2027")).json()["items"]
        decision = {"decision": "INCONSISTENCIA", "reason": "FIRMA_NO_VALIDA", "note": "otra"}
        answer = await http.post(f"/v1/review/items/{item['support_id']}/decision", json=decision)
        assert answer.status_code == 200, answer.text
        assert answer.json()["decisions"][0]["decided_by"] == "ople:e2e"
        return str(item["support_id"])


async def scenario(deployed: Deployment) -> None:
    citizens = people(deployed, SUPPORTS, seed=23)
    async with client(deployed) as http:
        accepted = await post_many(http, aux_token(deployed), citizens, "d", photos=True)
    assert len(accepted) == SUPPORTS
    first = await verified(deployed, lambda seen: {s for s, _ in seen} >= set(accepted), 240)
    counted = {
        s for s, (a, status) in (await outcomes(deployed)).items() if status == "EN_LISTA_NOMINAL"
    }
    assert len(counted) >= 4, await outcomes(deployed)
    asp2 = [s for s in accepted if s in counted and (await outcomes(deployed))[s][0] == "asp-02"]
    assert asp2, "the sample needs a counted support of asp-02"

    decided = await review(deployed, "asp-02")
    after_decision = await verified(deployed, lambda seen: (decided, "INCONSISTENCIA") in seen, 60)
    assert news(first, after_decision) == [(decided, "INCONSISTENCIA")]

    target = next(s for s in accepted if s in counted and s != decided)
    load_newer_cut(deployed, citizens, citizens[accepted.index(target)])
    report = json.loads(
        deployed.cli("process", "reverify", "gub-son-2027", "--cut", NEWER.isoformat())
    )
    assert (report["judged"], report["published"]) == (SUPPORTS, 1), report
    final = await verified(deployed, lambda seen: (target, "BAJA") in seen, 60)
    assert news(after_decision, final) == [(target, "BAJA")]
    assert (await outcomes(deployed))[decided][1] == "INCONSISTENCIA"  # the decision held
    again = json.loads(
        deployed.cli("process", "reverify", "gub-son-2027", "--cut", NEWER.isoformat())
    )
    assert again["published"] == 0


def test_a_decision_and_a_reverification_publish_only_what_changed(running: Deployment) -> None:
    asyncio.run(scenario(running))
