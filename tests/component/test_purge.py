"""`apoyo process purge` on the five services, the embedded PostgreSQL and a folder store:
refused while the process runs or its desk has open items; afterwards the data key is gone,
no object or row of the process is left, a copy of a ciphertext taken before does not open,
and the aggregates and a signed record remain."""

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from apoyo.purge.command import Purge
from apoyo.purge.record import is_authentic
from apoyo.purge.rows import STATEMENTS
from apoyo.purge.rules import PurgeRefused, earliest_purge
from apoyo.services import build_all
from apoyo_capture.service import CaptureService
from apoyo_common.keyring import DataKeyDestroyed, Keyring
from apoyo_common.keyring.settings import keyring_from_settings
from apoyo_common.outbox import OutboxRelay
from apoyo_common.runtime import Infrastructure, prepare, stop_units
from apoyo_common.settings import Settings
from apoyo_common.signing import load_or_create_key
from apoyo_common.storage import LocalFolderStore
from apoyo_verification.bootstrap import desk_of
from apoyo_verification.desk.decision import Ruling
from apoyo_verification.desk.service import Ask, ReviewDesk
from tests.factories import NOW, process
from tests.unit.capture.test_service import AUX, files, req

pytestmark = pytest.mark.component
PROCESS = process()
AFTER = earliest_purge(PROCESS) + timedelta(minutes=1)


@dataclass
class Deployment:
    settings: Settings
    pool: asyncpg.Pool
    folder: LocalFolderStore
    supports: list[str]

    def purge(self) -> Purge:
        keyring = keyring_from_settings(self.settings, self.pool)
        assert self.settings.signing_key_file is not None
        key = load_or_create_key(self.settings.signing_key_file)
        return Purge(self.pool, self.folder, keyring, key)


@pytest.fixture
async def deployment(pool: asyncpg.Pool, tmp_path: Path) -> AsyncIterator[Deployment]:
    settings = Settings(
        storage="local", storage_dir=tmp_path / "objects", identity_workers=1,
        retry_attempts=2, retry_base_delay_s=0, kek_file=tmp_path / "kek.json",
        signing_key_file=tmp_path / "institute.pem",
    )  # fmt: skip
    broker, folder = KafkaBroker(), LocalFolderStore(settings.storage_dir)
    ticks = itertools.count()
    clock = lambda: NOW + timedelta(milliseconds=next(ticks))  # noqa: E731
    infra = Infrastructure(settings, broker, pool, folder, clock)
    units = build_all(infra)
    await prepare(infra, units)
    async with TestKafkaBroker(broker):
        service, relay = units[0].extra["service"], units[0].extra["relay"]
        assert isinstance(service, CaptureService) and isinstance(relay, OutboxRelay)
        await service.repository.save_process(PROCESS)
        await relay.drain()
        ids = [(await service.accept(AUX, f"k{n}", req(), files())).support_id for n in range(2)]
        await relay.drain()
        desk = desk_of(units)
        assert isinstance(desk, ReviewDesk)
        for support_id in ids:  # unreadable test images went to the desk: decide them
            ask = Ask(Ruling.INCONSISTENCIA, "ILEGIBLE", "no se lee", "ople:revisora")
            await desk.decide(support_id, ask)
        yield Deployment(settings, pool, folder, ids)
    await stop_units(units)


async def rows_of_process(pool: asyncpg.Pool) -> int:
    tables = [t for t, _ in STATEMENTS if not t.endswith(("outbox", "jobs"))]
    counts = [await pool.fetchval(f"SELECT count(*) FROM {t}") for t in tables]
    return sum(int(n) for n in counts)


async def test_refused_before_the_hearing_ends_and_nothing_changes(
    deployment: Deployment,
) -> None:
    before = await rows_of_process(deployment.pool)
    with pytest.raises(PurgeRefused, match="no ha terminado"):
        await deployment.purge().run(PROCESS.id, AFTER - timedelta(hours=1))
    with pytest.raises(PurgeRefused, match="desconocido"):
        await deployment.purge().run("otro", AFTER)
    assert await rows_of_process(deployment.pool) == before > 0
    assert await deployment.folder.keys(f"evidence/{PROCESS.id}/")


async def test_refused_while_the_desk_has_open_items(deployment: Deployment) -> None:
    await deployment.pool.execute(
        "INSERT INTO verification.referrals VALUES ($1, 'AUDIENCIA', $2, 'asp-01', 'asp-01', "
        "'impugno', now(), NULL)",
        deployment.supports[0],
        PROCESS.id,
    )
    with pytest.raises(PurgeRefused, match="1 asuntos abiertos"):
        await deployment.purge().run(PROCESS.id, AFTER)


async def test_after_the_purge_the_evidence_is_unreadable_and_aggregates_stay(
    deployment: Deployment,
) -> None:
    [key, *_] = await deployment.folder.keys(f"evidence/{PROCESS.id}/")
    copied = await deployment.folder.get(key)  # a ciphertext taken before, as a backup would
    tally = await deployment.pool.fetch("SELECT * FROM verification.tally ORDER BY 1, 2, 3, 4")
    record = await deployment.purge().run(PROCESS.id, AFTER)

    assert await rows_of_process(deployment.pool) == 0
    for folder in ("evidence", "certificates", "exports"):
        assert await deployment.folder.keys(f"{folder}/{PROCESS.id}/") == []
    with pytest.raises(DataKeyDestroyed):
        fresh: Keyring = keyring_from_settings(deployment.settings, deployment.pool)
        await fresh.open(PROCESS.id, key, copied)
    assert await deployment.pool.fetch("SELECT * FROM verification.tally ORDER BY 1, 2, 3, 4") == (
        tally
    )
    assert record["destroyed"]["data_key"] is True
    assert record["destroyed"]["rows"]["capture.supports"] == 2
    assert record["kept"]["supports_by_aspirant_and_status"] == [
        {"aspirant_id": "asp-01", "status": "INCONSISTENCIA", "supports": 2}
    ]
    public = deployment.purge().signing_key.public_key()
    assert is_authentic(record, public)
    assert not is_authentic({**record, "process_id": "otro"}, public)
    with pytest.raises(PurgeRefused, match="ya se depuró"):
        await deployment.purge().run(PROCESS.id, AFTER)
