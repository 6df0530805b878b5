"""Each service as its own OS process on the real Kafka, PostgreSQL and S3 server.

Every deployment gets a namespace of its own (topics and consumer groups), a database of its
own and a bucket of its own, so test runs sharing the servers cannot see each other.
"""

import asyncio
import json
import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import asyncpg
import httpx
import urllib3
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import S3Error

from apoyo.demo import free_port
from apoyo.synthetic.people import Citizen
from apoyo.synthetic.roll import roll_csv
from apoyo_common.db import create_database, drop_database
from tests.paths import APOYO

SERVICES = ("capture", "identity", "verification", "notification", "export")
TABLES = {
    "capture": "capture.supports",
    "identity": "identity.decodings",
    "verification": "verification.supports",
    "notification": "notification.outcomes",
    "export": "export.records",
}


def infra_env() -> dict[str, str]:
    """The servers started by deploy/local/infra.sh, unless the environment names others."""
    defaults = {
        "APOYO_KAFKA_BOOTSTRAP": "127.0.0.1:9092",
        "APOYO_DATABASE_URL": "postgresql://apoyo:apoyo@127.0.0.1:55432/apoyo",
        "APOYO_S3_ENDPOINT": "127.0.0.1:9000",
        "APOYO_S3_ACCESS_KEY": "apoyo",
        "APOYO_S3_SECRET_KEY": "apoyo-secret-key",
    }
    return {key: os.environ.get(key, value) for key, value in defaults.items()}


@dataclass
class Deployment:
    namespace: str
    env: dict[str, str]
    logs: Path
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def dsn(self) -> str:
        return self.env["APOYO_DATABASE_URL"]

    @property
    def capture_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['capture']}"

    def start(self, service: str) -> None:
        port = self.ports.setdefault(service, free_port())
        env = {**self.env, "APOYO_HTTP_PORT": str(port)}
        with (self.logs / f"{service}.log").open("ab") as log:
            self.processes[service] = subprocess.Popen(
                [APOYO, "serve", service], env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def kill(self, service: str) -> None:
        process = self.processes[service]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()

    def retire(self) -> None:
        """Stop every service, then delete what the deployment stored: its topics (the broker
        then holds only the runs still going, and a restart of it in the fault drills loads
        few partitions), its bucket and its database. Left behind, a load run's pictures
        (600 MB for 1,500 supports) piled up in the local servers until the disk was full."""
        self.stop_all()
        try:
            asyncio.run(delete_topics(self.env["APOYO_KAFKA_BOOTSTRAP"], self.namespace))
        except (KafkaError, OSError) as error:  # a broker already down keeps them; no harm
            print(f"topics of {self.namespace} left on the broker: {error!r}")
        try:
            remove_bucket(self.env, self.namespace)
        except (S3Error, OSError, urllib3.exceptions.HTTPError) as error:
            print(f"bucket {self.namespace} left on the S3 server: {error!r}")
        try:
            asyncio.run(drop_database(infra_env()["APOYO_DATABASE_URL"], self.dsn))
        except (asyncpg.PostgresError, OSError) as error:
            print(f"database of {self.namespace} left on PostgreSQL: {error!r}")

    def wait_ready(self, services: tuple[str, ...] = SERVICES, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        for service in services:
            while not self._ready(service):
                if time.monotonic() > deadline:
                    log = (self.logs / f"{service}.log").read_text()[-3000:]
                    raise TimeoutError(f"{service} not ready:\n{log}")
                time.sleep(0.3)

    def _ready(self, service: str) -> bool:
        process = self.processes[service]
        if process.poll() is not None:
            log = (self.logs / f"{service}.log").read_text()[-3000:]
            raise RuntimeError(f"{service} exited with {process.returncode}:\n{log}")
        try:
            url = f"http://127.0.0.1:{self.ports[service]}/readyz"
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [APOYO, *args], env=self.env, capture_output=True, text=True, timeout=120, check=True
        )
        return done.stdout.strip()

    def create_process(self, definition: dict[str, object]) -> None:
        path = self.logs / "process.json"
        path.write_text(json.dumps(definition))
        self.cli("process", "create", str(path))

    def load_roll(self, people: list[Citizen], cut: date) -> None:
        path = self.logs / "voter-roll.csv"
        path.write_text(roll_csv(people), encoding="utf-8")
        self.cli("voter-roll", "load", str(path), "--cut", cut.isoformat(), "--skip-invalid")

    async def statuses(self) -> dict[str, int]:
        """Supports per verification status."""
        conn = await asyncpg.connect(self.dsn)
        try:
            sql = "SELECT status, count(*) AS n FROM verification.supports GROUP BY status"
            return {r["status"]: int(r["n"]) for r in await conn.fetch(sql)}
        finally:
            await conn.close()

    async def counts(self) -> dict[str, int]:
        conn = await asyncpg.connect(self.dsn)
        try:
            return {
                s: int(await conn.fetchval(f"SELECT count(*) FROM {t}")) for s, t in TABLES.items()
            }
        finally:
            await conn.close()

    async def duplicated_effects(self) -> int:
        conn = await asyncpg.connect(self.dsn)
        try:
            query = " UNION ALL ".join(f"SELECT support_id FROM {t}" for t in TABLES.values())
            sql = (
                f"SELECT count(*) FROM (SELECT support_id, count(*) FROM ({query}) q "
                f"GROUP BY support_id HAVING count(*) <> {len(TABLES)}) bad"
            )
            return int(await conn.fetchval(sql))
        finally:
            await conn.close()

    async def exported_ids(self, expected: int, seconds: float = 240) -> set[str]:
        """Distinct support ids seen on `support.exported`, read as an outside consumer."""
        return set(await self.arrivals("support.exported", expected, seconds))

    async def arrivals(self, topic: str, expected: int, seconds: float) -> dict[str, float]:
        """When each distinct support id first showed on `topic` (monotonic clock), read as
        an outside consumer, until `expected` of them or `seconds` passed."""
        firsts = await self.first_records(topic, expected, seconds, f"observer-{topic}")
        return {support_id: at for support_id, (at, _) in firsts.items()}

    async def first_records(
        self, topic: str, expected: int, seconds: float, group: str
    ) -> dict[str, tuple[float, bytes]]:
        """Each distinct support id's first record on `topic` and when it showed (monotonic
        clock), read by consumer group `group`, until `expected` of them or `seconds` passed."""
        consumer = AIOKafkaConsumer(
            f"{self.namespace}.{topic}",
            bootstrap_servers=self.env["APOYO_KAFKA_BOOTSTRAP"],
            group_id=f"{self.namespace}-{group}",
            auto_offset_reset="earliest",
        )
        await consumer.start()
        seen: dict[str, tuple[float, bytes]] = {}
        deadline = time.monotonic() + seconds
        try:
            while len(seen) < expected and time.monotonic() < deadline:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        support_id = json.loads(record.value)["support_id"]
                        seen.setdefault(support_id, (time.monotonic(), record.value))
        finally:
            await consumer.stop()
        return seen


async def delete_topics(bootstrap: str, namespace: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(f"{namespace}.")]
        if mine:
            await admin.delete_topics(mine)
    finally:
        await admin.close()


def remove_bucket(env: dict[str, str], bucket: str) -> None:
    """The bucket and every object in it (the services never version nor lock objects)."""
    client = Minio(
        env["APOYO_S3_ENDPOINT"],
        access_key=env["APOYO_S3_ACCESS_KEY"],
        secret_key=env["APOYO_S3_SECRET_KEY"],
        secure=False,
    )
    if not client.bucket_exists(bucket):
        return
    listed = client.list_objects(bucket, recursive=True)
    failed = list(client.remove_objects(bucket, (DeleteObject(o.object_name) for o in listed)))
    if failed:
        raise OSError(f"{len(failed)} objects not removed: {failed[0]}")
    client.remove_bucket(bucket)


def deployment(logs_root: Path) -> Deployment:
    namespace = f"e2e-{uuid.uuid4().hex[:8]}"
    base = infra_env()
    env = {
        **os.environ,
        **base,
        "APOYO_NAMESPACE": namespace,
        "APOYO_DATABASE_URL": asyncio.run(create_database(base["APOYO_DATABASE_URL"], "e2e")),
        "APOYO_S3_BUCKET": namespace,
        "APOYO_STORAGE": "s3",
        "APOYO_TOKEN_SECRET": uuid.uuid4().hex * 2,
        "APOYO_CITIZEN_KEY_SECRET": uuid.uuid4().hex * 2,
        "APOYO_RETRY_BASE_DELAY_S": "0.1",
        "APOYO_OUTBOX_INTERVAL_S": "0.2",
        "APOYO_TOPIC_PARTITIONS": "6",
    }
    logs = logs_root / namespace
    logs.mkdir(parents=True)
    env["APOYO_SIGNING_KEY_FILE"] = str(logs / "institute.pem")  # certificates and packages
    env["APOYO_KEK_FILE"] = str(logs / "institute-keys.json")  # encryption at rest
    return Deployment(namespace, env, logs)
