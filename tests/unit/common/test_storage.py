"""One contract, run against every object store; the S3 run is in tests/e2e."""

import os
import tempfile
from pathlib import Path

import pytest

from apoyo_common.keyring import CannotOpen, InMemoryDataKeys, Keyring, in_memory_kms
from apoyo_common.storage import (
    InMemoryStore,
    ListingStore,
    LocalFolderStore,
    ObjectNotFound,
    ObjectStore,
)
from apoyo_common.storage.sealed import SealedStore


async def check_contract(store: ObjectStore) -> None:
    await store.ensure_ready()
    key = "evidence/p/s-1/credential_front.jpg"
    assert not await store.exists(key)
    await store.put(key, b"\xff\xd8\xffdata", "image/jpeg")
    assert await store.exists(key)
    assert await store.get(key) == b"\xff\xd8\xffdata"
    await store.put(key, b"\xff\xd8\xffnew", "image/jpeg")
    assert await store.get(key) == b"\xff\xd8\xffnew"
    other = "evidence/p/s-1/signature.png"
    await store.put(other, b"\x89PNG", "image/png")
    assert await store.get_many([other, key]) == [b"\x89PNG", b"\xff\xd8\xffnew"]
    with pytest.raises(ObjectNotFound):
        await store.get_many([key, "evidence/p/s-1/absent.jpg"])
    await store.delete(other)
    await store.delete(key)
    assert not await store.exists(key)
    with pytest.raises(ObjectNotFound):
        await store.get(key)
    await check_files(store)
    await check_listing(store)
    for bad in ("../etc/passwd", "/abs", "a/../../b", "a//b", ""):
        with pytest.raises(ValueError, match="invalid object key"):
            await store.put(bad, b"x", "image/jpeg")


async def check_listing(store: ObjectStore) -> None:
    """Keys under a folder, and nothing of a folder whose name only starts alike."""
    assert isinstance(store, ListingStore)
    for key in ("evidence/p-1/s-1/a.jpg", "evidence/p-1/s-2/b.jpg", "evidence/p-10/s-3/c.jpg"):
        await store.put(key, b"\xff\xd8x", "image/jpeg")
    assert await store.keys("evidence/p-1/") == ["evidence/p-1/s-1/a.jpg", "evidence/p-1/s-2/b.jpg"]
    assert await store.keys("evidence/none/") == []
    for key in await store.keys("evidence/"):
        await store.delete(key)


async def check_files(store: ObjectStore) -> None:
    """A file larger than one upload part goes up and comes back in chunks, unchanged."""
    data = os.urandom(6 * (1 << 20) + 123)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "paquete.zip"
        path.write_bytes(data)
        await store.put_file("exports/p/a/e-1.zip", path, "application/zip")
    chunks = [chunk async for chunk in store.stream("exports/p/a/e-1.zip")]
    assert b"".join(chunks) == data
    assert max(len(chunk) for chunk in chunks) <= 1 << 20
    with pytest.raises(ObjectNotFound):
        [chunk async for chunk in store.stream("exports/p/a/none.zip")]
    await store.delete("exports/p/a/e-1.zip")


async def test_in_memory_store() -> None:
    await check_contract(InMemoryStore())


async def test_local_folder_store(tmp_path: Path) -> None:
    await check_contract(LocalFolderStore(tmp_path / "objects"))
    assert not list((tmp_path / "objects").rglob("*.tmp"))


def sealed(inner: ObjectStore) -> SealedStore:
    return SealedStore(inner, Keyring(in_memory_kms(), InMemoryDataKeys()))


async def test_sealed_store() -> None:
    await check_contract(sealed(InMemoryStore()))


async def test_evidence_is_stored_sealed_and_bound_to_its_key() -> None:
    inner = InMemoryStore()
    store = sealed(inner)
    key, other = "evidence/p-1/s-1/credential_front.jpg", "evidence/p-1/s-2/credential_front.jpg"
    await store.put(key, b"\xff\xd8\xffface", "image/jpeg")
    assert b"face" not in inner.objects[key][0]
    assert b"".join([c async for c in store.stream(key)]) == b"\xff\xd8\xffface"
    inner.objects[other] = inner.objects[key]  # a ciphertext copied under another support
    with pytest.raises(CannotOpen):
        await store.get(other)


async def test_packages_pass_through_and_older_evidence_reads_as_stored() -> None:
    inner = InMemoryStore()
    store = sealed(inner)
    await store.put("exports/p-1/a/e-1.zip", b"PK\x03\x04", "application/zip")
    assert inner.objects["exports/p-1/a/e-1.zip"][0] == b"PK\x03\x04"
    await inner.put("evidence/p-1/s-0/selfie.jpg", b"\xff\xd8old", "image/jpeg")
    assert await store.get("evidence/p-1/s-0/selfie.jpg") == b"\xff\xd8old"
