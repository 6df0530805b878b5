"""The object-store contract, run against the real S3-compatible server."""

import uuid
from contextlib import aclosing

import pytest

from apoyo_common.settings import Settings
from apoyo_common.storage.s3 import S3Store
from tests.e2e.harness import infra_env
from tests.unit.common.test_storage import check_contract, sealed

pytestmark = pytest.mark.e2e


async def test_s3_store_meets_the_contract() -> None:
    env = infra_env()
    settings = Settings(
        s3_endpoint=env["APOYO_S3_ENDPOINT"],
        s3_access_key=env["APOYO_S3_ACCESS_KEY"],
        s3_secret_key=env["APOYO_S3_SECRET_KEY"],
        s3_bucket=f"contract-{uuid.uuid4().hex[:8]}",
    )
    async with aclosing(S3Store.from_settings(settings)) as store:
        await check_contract(store)


async def test_a_sealed_s3_store_meets_the_contract() -> None:
    env = infra_env()
    settings = Settings(
        s3_endpoint=env["APOYO_S3_ENDPOINT"],
        s3_access_key=env["APOYO_S3_ACCESS_KEY"],
        s3_secret_key=env["APOYO_S3_SECRET_KEY"],
        s3_bucket=f"sealed-{uuid.uuid4().hex[:8]}",
    )
    async with aclosing(S3Store.from_settings(settings)) as store:
        await check_contract(sealed(store))
