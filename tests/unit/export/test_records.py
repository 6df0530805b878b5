import asyncio
import csv
import hashlib
import io
import json
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from apoyo_common.signing import canonical_json
from apoyo_export.package import write_package
from apoyo_export.records import GENESIS, chained, record_of
from apoyo_export.zipsink import ZipSink
from tests.unit.export.packages import BASIS, KEY, META, build, each, stocked, support


def test_each_chain_is_sha256_of_the_previous_and_the_record_hash() -> None:
    record = record_of(support(1, "BAJA"), 1, None)
    body = hashlib.sha256(canonical_json(record)).hexdigest()
    assert chained(GENESIS, record) == hashlib.sha256((GENESIS + body).encode()).hexdigest()
    assert chained(GENESIS, record | {"chain": "x"}) == chained(GENESIS, record)


def test_records_are_in_reception_order_and_end_in_the_chain_head(tmp_path: Path) -> None:
    built = build(tmp_path / "p.zip", 4)
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        lines = archive.read("supports.jsonl").splitlines()
        hearing = archive.read("hearing.csv").decode().splitlines()
    assert [line.split(b'"seq":')[1].split(b",")[0] for line in lines] == [b"1", b"2", b"3", b"4"]
    assert lines[-1].count(built.chain_head.encode()) == 1
    assert [row.split(",")[3] for row in hearing[1:]] == ["NO_ENCONTRADO", "BAJA", "INCONSISTENCIA"]
    assert "evidence/s-001/credential_front.jpg" in hearing[1]


def test_the_zip_sink_writes_zip64_when_entries_pass_65535() -> None:
    out = io.BytesIO()
    sink = ZipSink(out, datetime(2026, 12, 20, tzinfo=UTC))
    for i in range(70_000):
        sink.add(f"f/{i}", b"%d" % i)
    sink.add_chunks("big.txt", iter([b"abc" * 1000, b"def"]), compress=True)
    sink.close()
    with zipfile.ZipFile(out) as archive:
        assert len(archive.namelist()) == 70_001
        assert archive.read("f/69999") == b"69999"
        assert archive.read("big.txt") == b"abc" * 1000 + b"def"
        assert archive.testzip() is None


def test_records_carry_the_roll_cell_in_json_and_csv(tmp_path: Path) -> None:
    build(tmp_path / "p.zip", 2)
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        first, second = (json.loads(x) for x in archive.read("supports.jsonl").splitlines())
        rows = list(csv.DictReader(io.StringIO(archive.read("supports.csv").decode())))
    assert first["status"] == "NO_ENCONTRADO" and set(first["registry"].values()) == {None}
    assert second["registry"] == {
        "entidad": "26", "distrito_federal": "01", "distrito_local": "02",
        "municipio": "001", "seccion": "0001",
    }  # fmt: skip
    assert rows[0]["registry_municipio"] == "" and rows[1]["registry_municipio"] == "001"
    assert rows[1]["registry_seccion"] == "0001" and rows[1]["seccion"] == "0123"  # typed form


def test_a_certificate_is_packed_from_its_event_or_else_from_its_copy(tmp_path: Path) -> None:
    # s-001's support.captured carried its certificate (version 2: no copy in object storage),
    # s-002's did not (version 1: capture copied it), s-003 has neither (captured before
    # certificates were issued on reception).
    carried = b'{"cert":"s-001","caf\xc3\xa9":1}'
    items = [
        replace(support(1, "BAJA"), certificate=carried),
        support(2, "BAJA"),
        support(3, "BAJA"),
    ]

    async def run() -> None:
        store = await stocked(items)
        await store.delete(items[0].certificate_key)
        await store.delete(items[2].certificate_key)
        with (tmp_path / "p.zip").open("wb") as out:
            await write_package(out, META, each(items), store.get, KEY, BASIS)

    asyncio.run(run())
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        records = [json.loads(x) for x in archive.read("supports.jsonl").splitlines()]
        packed = {n: archive.read(n) for n in archive.namelist() if n.startswith("certificates/")}
    assert packed == {
        "certificates/s-001.json": carried,
        "certificates/s-002.json": b'{"cert":"s-002"}',
    }
    digests = [r["certificate_sha256"] for r in records]
    assert digests == [
        hashlib.sha256(carried).hexdigest(),
        hashlib.sha256(packed["certificates/s-002.json"]).hexdigest(),
        None,
    ]
