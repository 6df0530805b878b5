"""Envelope encryption: sealing, the KEK file and its rotation, the data-key cache."""

import json
import stat
from pathlib import Path

import pytest

from apoyo_common.keyring import (
    CannotOpen,
    DataKeyDestroyed,
    InMemoryDataKeys,
    Keyring,
    in_memory_kms,
    is_sealed,
    key_file_kms,
)
from apoyo_common.keyring.documents import (
    open_bytes,
    open_fields,
    open_text,
    seal_bytes,
    seal_fields,
    seal_text,
)
from apoyo_common.keyring.kms import UnknownKek, rotate_key_file


def keyring(**kwargs: object) -> Keyring:
    return Keyring(in_memory_kms(), InMemoryDataKeys(), **kwargs)  # type: ignore[arg-type]


async def test_a_sealed_value_opens_with_its_process_and_context() -> None:
    ring = keyring()
    blob = await ring.seal("p-1", "s-1/nombre", "JUANA PÉREZ".encode())
    assert is_sealed(blob) and b"JUANA" not in blob
    assert await ring.open("p-1", "s-1/nombre", blob) == "JUANA PÉREZ".encode()


async def test_a_ciphertext_moved_to_another_field_or_process_does_not_open() -> None:
    ring = keyring()
    blob = await ring.seal("p-1", "s-1/nombre", b"JUANA")
    with pytest.raises(CannotOpen):
        await ring.open("p-1", "s-2/nombre", blob)
    with pytest.raises(CannotOpen):
        await ring.open("p-2", "s-1/nombre", blob)


async def test_each_process_has_its_own_data_key() -> None:
    keys = InMemoryDataKeys()
    ring = Keyring(in_memory_kms(), keys)
    await ring.seal("p-1", "a", b"x")
    await ring.seal("p-2", "a", b"x")
    wrapped = {r.process_id: r.wrapped for r in await keys.all_live()}
    assert set(wrapped) == {"p-1", "p-2"} and wrapped["p-1"] != wrapped["p-2"]


async def test_values_stored_before_encryption_read_as_they_are() -> None:
    assert await keyring().open("p-1", "s-1/foto", b"\xff\xd8jpeg") == b"\xff\xd8jpeg"


async def test_a_keyring_without_kms_stores_plain_and_refuses_sealed_values() -> None:
    off = Keyring(None, InMemoryDataKeys())
    assert await off.seal("p-1", "a", b"plain") == b"plain"
    with pytest.raises(CannotOpen):
        await off.open("p-1", "a", await keyring().seal("p-1", "a", b"x"))


async def test_a_destroyed_key_opens_nothing_and_seals_nothing_again() -> None:
    ring = keyring()
    blob = await ring.seal("p-1", "a", b"secret")
    assert await ring.destroy("p-1") is True
    with pytest.raises(DataKeyDestroyed):
        await ring.open("p-1", "a", blob)
    with pytest.raises(DataKeyDestroyed):
        await ring.seal("p-1", "a", b"late")


async def test_another_process_forgets_a_destroyed_key_when_its_cache_expires() -> None:
    keys, kms, now = InMemoryDataKeys(), in_memory_kms(), [0.0]
    service = Keyring(kms, keys, cache_s=60, clock=lambda: now[0])
    blob = await service.seal("p-1", "a", b"secret")
    await Keyring(kms, keys).destroy("p-1")  # the purge command, elsewhere
    assert await service.open("p-1", "a", blob) == b"secret"  # still cached
    now[0] = 61
    with pytest.raises(DataKeyDestroyed):
        await service.open("p-1", "a", blob)


async def test_the_kms_is_asked_once_per_process_while_cached() -> None:
    kms = in_memory_kms()
    calls: list[str] = []
    unwrap = kms.unwrap

    async def counting(*args: object) -> bytes:
        calls.append("unwrap")
        return await unwrap(*args)  # type: ignore[arg-type]

    kms.unwrap = counting  # type: ignore[method-assign,assignment]
    ring = Keyring(kms, InMemoryDataKeys())
    for n in range(50):
        await ring.seal("p-1", str(n), b"x")
    assert calls == ["unwrap"]


def test_the_key_file_is_made_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "kek.json"
    first = key_file_kms(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_file_kms(path).current_kek_id() == first.current_kek_id()


async def test_rotation_makes_a_new_kek_current_and_rewraps_every_data_key(
    tmp_path: Path,
) -> None:
    path, keys = tmp_path / "kek.json", InMemoryDataKeys()
    old = Keyring(key_file_kms(path), keys)
    blob = await old.seal("p-1", "a", b"secret")
    new_id = rotate_key_file(path)
    rotated = Keyring(key_file_kms(path), keys)
    assert await rotated.rewrap() == 1
    assert [r.wrapped.kek_id for r in await keys.all_live() if r.wrapped] == [new_id]
    document = json.loads(path.read_text())
    document["keys"] = document["keys"][-1:]  # the old KEK retired
    path.write_text(json.dumps(document))
    assert await Keyring(key_file_kms(path), keys).open("p-1", "a", blob) == b"secret"


async def test_a_data_key_wrapped_by_an_unknown_kek_does_not_open() -> None:
    keys = InMemoryDataKeys()
    blob = await Keyring(in_memory_kms(("a",)), keys).seal("p-1", "x", b"secret")
    with pytest.raises(UnknownKek):
        await Keyring(in_memory_kms(("b",)), keys).open("p-1", "x", blob)


async def test_sealed_fields_documents_and_bytes_round_trip_and_stay_bound() -> None:
    ring = keyring()
    doc = {"support_id": "s-1", "status": "VALIDO", "form": {"nombre": "ÑANDÚ"}, "email": None}
    sealed = await seal_fields(ring, "p-1", "t/s-1/output", doc)
    assert (
        sealed["status"] == "VALIDO" and sealed["email"] is None and sealed["form"] != doc["form"]
    )
    assert await open_fields(ring, "t/s-1/output", sealed) == doc
    with pytest.raises(CannotOpen):
        await open_fields(ring, "t/s-2/output", sealed)
    data = b"\xff\x00 not utf-8"
    assert await open_bytes(ring, "c", await seal_bytes(ring, "p-1", "c", data)) == data
    assert await open_bytes(ring, "c", b'{"plain": true}') == b'{"plain": true}'
    text = await seal_text(ring, "p-1", "e", "ana@example.org")
    assert "ana@" not in text and await open_text(ring, "e", text) == "ana@example.org"


async def test_a_running_service_reads_the_key_file_again_for_a_kek_it_has_not_seen(
    tmp_path: Path,
) -> None:
    path, keys = tmp_path / "kek.json", InMemoryDataKeys()
    running = Keyring(key_file_kms(path), keys, cache_s=0)
    blob = await running.seal("p-1", "a", b"secret")
    rotate_key_file(path)  # `apoyo keys rotate`, elsewhere
    assert await Keyring(key_file_kms(path), keys).rewrap() == 1
    assert await running.open("p-1", "a", blob) == b"secret"
