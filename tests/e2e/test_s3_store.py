"""The object-store contract, run against the real S3-compatible server."""

import uuid
from contextlib import aclosing

import pytest

from apoyo_common.settings import Settings
from apoyo_common.storage import s3_signed
from apoyo_common.storage.s3 import S3Store
from apoyo_common.storage.s3_signed import PutRefused
from tests.e2e.harness import infra_env
from tests.unit.common.test_storage import check_contract, sealed

pytestmark = pytest.mark.e2e


def settings_for(bucket: str) -> Settings:
    env = infra_env()
    return Settings(
        s3_endpoint=env["APOYO_S3_ENDPOINT"],
        s3_access_key=env["APOYO_S3_ACCESS_KEY"],
        s3_secret_key=env["APOYO_S3_SECRET_KEY"],
        s3_bucket=f"{bucket}-{uuid.uuid4().hex[:8]}",
    )


async def test_s3_store_meets_the_contract() -> None:
    async with aclosing(S3Store.from_settings(settings_for("contract"))) as store:
        await check_contract(store)


async def test_the_store_refuses_an_upload_whose_bytes_are_not_the_crc32_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    told = s3_signed.crc32_header
    monkeypatch.setattr(s3_signed, "crc32_header", lambda data: told(data + b"changed"))
    key = "evidence/p/s-1/credential_front.jpg"
    async with aclosing(S3Store.from_settings(settings_for("checksum"))) as store:
        await store.ensure_ready()
        with pytest.raises(PutRefused):
            await store.put(key, b"\xff\xd8\xffdata", "image/jpeg")
        assert not await store.exists(key)


async def test_a_sealed_s3_store_meets_the_contract() -> None:
    async with aclosing(S3Store.from_settings(settings_for("sealed"))) as store:
        await check_contract(sealed(store))
