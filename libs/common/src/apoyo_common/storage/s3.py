"""S3-compatible object store through the `minio` client.

The client is synchronous; calls run in a thread so the event loop keeps serving.
"""

import asyncio
import io
import os
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import urllib3
from minio import Minio
from minio.error import S3Error

from apoyo_common.settings import Settings
from apoyo_common.storage.protocol import CHUNK, ObjectNotFound, check_key
from apoyo_common.storage.s3_signed import S3Target, SignedRequests

_MISSING = {"NoSuchKey", "NoSuchObject", "NoSuchBucket"}


def _http_client() -> urllib3.PoolManager:
    """minio's own client, with bounded waits: its default lets a call hang for five minutes
    on a store that stopped answering, and a capture request must fail fast and clearly (503)
    instead. Calls still retry a few times on a refused connection or a 5xx."""
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=5, read=60),
        maxsize=10,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE"),  # None: the system's certificates
        retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
    )


class S3Store:
    def __init__(self, client: Minio, bucket: str, signed: SignedRequests | None = None) -> None:
        self.client = client
        self.bucket = bucket
        # `put` and `get` on the event loop (s3_signed); minio's in a thread if None.
        self.signed = signed

    @classmethod
    def from_settings(cls, settings: Settings) -> "S3Store":
        secret = settings.s3_secret_key.get_secret_value()
        client = Minio(
            settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=secret,
            secure=settings.s3_secure,
            region=settings.s3_region,
            http_client=_http_client(),
        )
        target = S3Target(
            settings.s3_endpoint, settings.s3_secure, settings.s3_region,
            settings.s3_access_key, secret,
        )  # fmt: skip
        return cls(client, settings.s3_bucket, SignedRequests(target))

    async def ensure_ready(self) -> None:
        await asyncio.to_thread(self._ensure_bucket)

    async def aclose(self) -> None:
        """Close the connections kept for `put` and `get` (the S3 server keeps them alive)."""
        if self.signed is not None:
            await self.signed.close()

    def _ensure_bucket(self) -> None:
        try:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)
        except S3Error as error:  # another replica created it first
            if error.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                raise

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        if self.signed is not None:
            return await self.signed.put(self.bucket, check_key(key), data, content_type)
        await asyncio.to_thread(
            self.client.put_object,
            self.bucket,
            check_key(key),
            io.BytesIO(data),
            len(data),
            content_type=content_type,
        )

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        """minio uploads a large file in parts (multipart), one part in memory at a time."""
        await asyncio.to_thread(
            self.client.fput_object, self.bucket, check_key(key), str(path),
            content_type=content_type,
        )  # fmt: skip

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        response = await asyncio.to_thread(self._open, check_key(key))
        try:
            chunks: Iterator[bytes] = response.stream(CHUNK)
            while chunk := await asyncio.to_thread(next, chunks, b""):
                yield chunk
        finally:
            response.close()
            response.release_conn()

    def _open(self, key: str) -> Any:
        try:
            return self.client.get_object(self.bucket, key)
        except S3Error as error:
            if error.code in _MISSING:
                raise ObjectNotFound(key) from None
            raise

    async def get(self, key: str) -> bytes:
        if self.signed is not None:
            return await self.signed.get(self.bucket, check_key(key))
        return await asyncio.to_thread(self._read, check_key(key))

    async def get_many(self, keys: Sequence[str]) -> list[bytes]:
        if self.signed is not None:
            return await self.signed.get_many(self.bucket, [check_key(key) for key in keys])
        return list(await asyncio.gather(*(self.get(key) for key in keys)))

    def _read(self, key: str) -> bytes:
        try:
            response = self.client.get_object(self.bucket, key)
        except S3Error as error:
            if error.code in _MISSING:
                raise ObjectNotFound(key) from None
            raise
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    async def exists(self, key: str) -> bool:
        try:
            await asyncio.to_thread(self.client.stat_object, self.bucket, check_key(key))
        except S3Error as error:
            if error.code in _MISSING:
                return False
            raise
        return True

    async def keys(self, prefix: str) -> list[str]:
        return await asyncio.to_thread(self._keys, prefix)

    def _keys(self, prefix: str) -> list[str]:
        listed = self.client.list_objects(self.bucket, prefix=prefix, recursive=True)
        return sorted(str(o.object_name) for o in listed)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.remove_object, self.bucket, check_key(key))
