"""Objects uploaded and read with signed requests (AWS Signature Version 4), on the event loop.

Capture uploads four objects a support and identity reads three. minio's `put_object` and
`get_object` cost about 0.8 ms of CPU each (header normalisation, a hop to a thread and back,
urllib3 and http.client), a quarter of what a reception cost. These are the same requests,
built and sent from the event loop, over kept-alive connections when the server keeps them.

An upload's payload SHA-256 is signed only where the path to the store could change the
bytes: over TLS or to a loopback address the body is sent as `UNSIGNED-PAYLOAD` (S3's own
option for that case; the headers are still signed). Hashing a support's 400 KB cost capture
and the store about 0.5 ms of CPU each, and the evidence is sealed with AES-GCM anyway
(`apoyo_common.storage.sealed`): a changed byte does not open.

Failures behave as minio's client did for the rest of the project (apoyo_common.outages): a
refused or dropped connection and a 5xx are tried again three times (0.2, 0.4, 0.8 s apart),
then raised (a 5xx as minio's `ServerError`); connecting waits 5 s at most and an answer 60 s
(`TimeoutError`); a missing object is `ObjectNotFound`; any other 4xx is `Refused`, a bug or a
misconfiguration, at once.
"""

import asyncio
import base64
import hashlib
import hmac
import os
import re
import ssl
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

from minio.error import ServerError

from apoyo_common.http1 import Answer, Connection, close_all, exchange, read_answer
from apoyo_common.storage.protocol import ObjectNotFound

CONNECT_S, ANSWER_S, RETRIES, BACKOFF_S = 5.0, 60.0, 3, 0.2
_SIGNED = "host;x-amz-content-sha256;x-amz-date"
_SIGNED_WITH_CHECKSUM = "host;x-amz-checksum-crc32;x-amz-content-sha256;x-amz-date"
# Connections kept idle: as many as uploads run at once, or each burst opens (and then closes)
# the difference anew. Capture's 32 requests in flight upload four objects each; identity reads
# a batch's three pictures a support at once. 32 kept cost capture about 0.08 ms of CPU an
# upload more at 64 uploads at once (docs/operations.md, *Capture's reception, third pass*).
_IDLE_MAX = 128
# A connection's read buffer: a photo (a few hundred KiB) comes in without the reader pausing
# and resuming the socket every 128 KiB (asyncio's default limit is 64 KiB).
_BUFFER = 1 << 20
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_LOOPBACK = re.compile(r"^(localhost|127(\.\d{1,3}){3}|\[?::1\]?)$")


class Refused(Exception):
    """The store refused the request (4xx): wrong credentials, no such bucket, ..."""


class PutRefused(Refused):
    """The store refused an upload."""


@dataclass(frozen=True)
class S3Target:
    endpoint: str  # host[:port], as minio takes it
    secure: bool
    region: str
    access_key: str
    secret_key: str

    @property
    def address(self) -> tuple[str, int]:
        host, _, port = self.endpoint.rpartition(":") if ":" in self.endpoint else ("", "", "")
        if not host:
            return self.endpoint, 443 if self.secure else 80
        return host, int(port)

    @property
    def signs_payload(self) -> bool:
        """Whether an upload signs its body's SHA-256: not over TLS nor to this machine."""
        return not (self.secure or _LOOPBACK.match(self.address[0]))


def signing_key(secret_key: str, day: str, region: str) -> bytes:
    key = ("AWS4" + secret_key).encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def signed_request(
    target: S3Target,
    method: str,
    path: str,
    payload: str,
    now: datetime,
    key: bytes,
    checksum: str | None = None,
) -> tuple[str, str]:
    """The request line and its signed headers (SigV4 over host, the body's checksum when
    given, payload hash and date), each ending in CRLF; `payload` is the body's SHA-256 in
    hex, `checksum` its CRC32 as `x-amz-checksum-crc32` carries it."""
    stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    amz = "" if checksum is None else f"x-amz-checksum-crc32:{checksum}\n"
    names = _SIGNED if checksum is None else _SIGNED_WITH_CHECKSUM
    canonical = (
        f"{method}\n{path}\n\nhost:{target.endpoint}\n{amz}x-amz-content-sha256:{payload}\n"
        f"x-amz-date:{stamp}\n\n{names}\n{payload}"
    )
    scope = f"{day}/{target.region}/s3/aws4_request"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    to_sign = f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{digest}"
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={target.access_key}/{scope}, "
        f"SignedHeaders={names}, Signature={signature}"
    )
    told = "" if checksum is None else f"x-amz-checksum-crc32: {checksum}\r\n"
    return f"{method} {path} HTTP/1.1\r\nHost: {target.endpoint}\r\n", (
        f"{told}x-amz-content-sha256: {payload}\r\nx-amz-date: {stamp}\r\n"
        f"Authorization: {authorization}\r\n"
    )


def crc32_header(data: bytes) -> str:
    """The body's CRC32 as S3's `x-amz-checksum-crc32` carries it: big-endian, base64."""
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def put_request(
    target: S3Target, path: str, data: bytes, content_type: str, now: datetime, key: bytes
) -> bytes:
    """An upload's head: the line, the headers and the signature over them (and over the
    body's SHA-256 when the target signs payloads). The body's CRC32 goes with it: the store
    checks it (a 400 if the bytes it got differ) and keeps it as the object's checksum
    instead of computing its own (versitygw's default, CRC64NVME by table, cost it more than
    the CRC32 costs the sender)."""
    payload = hashlib.sha256(data).hexdigest() if target.signs_payload else UNSIGNED_PAYLOAD
    line, signed = signed_request(target, "PUT", path, payload, now, key, crc32_header(data))
    sized = f"Content-Type: {content_type}\r\nContent-Length: {len(data)}\r\n"
    return f"{line}{sized}{signed}\r\n".encode()


def get_request(target: S3Target, path: str, now: datetime, key: bytes) -> bytes:
    """A download's head: the line, the headers and the signature over them."""
    line, signed = signed_request(target, "GET", path, _EMPTY_SHA256, now, key)
    return f"{line}{signed}\r\n".encode()


def _now() -> datetime:
    return datetime.now(UTC)


Head = Callable[[datetime, bytes], bytes]  # the request's head, given the time and signing key


@dataclass
class SignedRequests:
    target: S3Target
    clock: Callable[[], datetime] = _now
    _keys: dict[str, bytes] = field(default_factory=dict)
    _idle: list[Connection] = field(default_factory=list)
    _tls: ssl.SSLContext | None = None

    async def put(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        path = _path(bucket, key)

        def head(now: datetime, signing: bytes) -> bytes:
            return put_request(self.target, path, data, content_type, now, signing)

        status = (await self._sent(head, data)).status
        if status >= 300:
            raise PutRefused(f"the object store refused the upload: {status}")

    async def get(self, bucket: str, key: str) -> bytes:
        path = _path(bucket, key)
        answer = await self._sent(lambda now, k: get_request(self.target, path, now, k), b"")
        if answer.status == 404:
            raise ObjectNotFound(key)
        if answer.status >= 300:
            raise Refused(f"the object store refused the download: {answer.status}")
        return answer.body

    async def get_many(self, bucket: str, keys: Sequence[str]) -> list[bytes]:
        """Several objects over one connection: their requests written at once, their answers
        read in turn (HTTP/1.1 pipelining). Three reads a support cost identity's process
        about a third less CPU than three connections at once, each a write, a wake-up and a
        read of its own (docs/identity.md, *Thirteenth round*). Failures as `get`'s: a
        missing object is ObjectNotFound, a refusal Refused, a 5xx or a dropped connection
        tried again (only the objects not read yet). A server that closes the connection
        after an answer gets the rest on another connection."""
        paths = [_path(bucket, key) for key in keys]
        found: list[bytes] = []
        for attempt in range(RETRIES + 1):
            try:
                while len(found) < len(keys):
                    await self._pipelined(keys, paths, found)
                return found
            except (OSError, ServerError, EOFError, asyncio.IncompleteReadError):
                if attempt == RETRIES:
                    raise
            await asyncio.sleep(BACKOFF_S * 2**attempt)
        raise AssertionError("unreachable")

    async def _pipelined(self, keys: Sequence[str], paths: list[str], found: list[bytes]) -> None:
        """Reads into `found` what is left of `keys`, on a kept connection and, if the server
        closed that one meanwhile, at once on a new one."""
        if self._idle:
            try:
                return await self._pipelined_once(keys, paths, found, self._idle.pop())
            except (OSError, EOFError, asyncio.IncompleteReadError):
                pass
        return await self._pipelined_once(keys, paths, found, await self._connect())

    async def _pipelined_once(
        self, keys: Sequence[str], paths: list[str], found: list[bytes], conn: Connection
    ) -> None:
        reader, writer = conn
        now = self.clock()
        signing = self._key(now)
        first = len(found)
        kept = False
        try:
            async with asyncio.timeout(ANSWER_S):
                writer.write(
                    b"".join(get_request(self.target, p, now, signing) for p in paths[first:])
                )
                await writer.drain()
                for key in keys[first:]:
                    answer = await read_answer(reader)
                    if answer.status >= 500:
                        raise ServerError(
                            f"the object store answered {answer.status}", answer.status
                        )
                    if answer.status == 404:
                        raise ObjectNotFound(key)
                    if answer.status >= 300:
                        raise Refused(f"the object store refused the download: {answer.status}")
                    found.append(answer.body)
                    if not answer.keep:
                        return  # the rest on another connection
            kept = len(self._idle) < _IDLE_MAX
            if kept:
                self._idle.append(conn)
        finally:
            if not kept:
                writer.close()

    async def close(self) -> None:
        """Close the kept connections."""
        await close_all(self._idle)

    async def _sent(self, head: Head, body: bytes) -> Answer:
        """The answer, once it is not a 5xx nor a dropped connection, or the last failure."""
        for attempt in range(RETRIES + 1):
            try:
                return await self._attempt(head, body)
            except (OSError, ServerError, EOFError, asyncio.IncompleteReadError):
                if attempt == RETRIES:
                    raise
            await asyncio.sleep(BACKOFF_S * 2**attempt)
        raise AssertionError("unreachable")

    async def _attempt(self, head: Head, body: bytes) -> Answer:
        """One attempt; a kept connection the server closed meanwhile is replaced at once."""
        if self._idle:
            try:
                return await self._once(head, body, self._idle.pop())
            except (OSError, EOFError, asyncio.IncompleteReadError):
                pass
        return await self._once(head, body, await self._connect())

    async def _once(self, head: Head, body: bytes, conn: Connection) -> Answer:
        _, writer = conn
        now = self.clock()
        kept = False
        try:
            async with asyncio.timeout(ANSWER_S):  # no task of its own, as wait_for makes
                answer = await exchange(conn, head(now, self._key(now)), body)
            kept = answer.keep and len(self._idle) < _IDLE_MAX
            if kept:
                self._idle.append(conn)
        finally:
            if not kept:
                writer.close()
        if answer.status >= 500:
            raise ServerError(f"the object store answered {answer.status}", answer.status)
        return answer

    def _key(self, now: datetime) -> bytes:
        day = now.strftime("%Y%m%d")
        if day not in self._keys:
            self._keys.clear()
            self._keys[day] = signing_key(self.target.secret_key, day, self.target.region)
        return self._keys[day]

    async def _connect(self) -> Connection:
        host, port = self.target.address
        if self.target.secure and self._tls is None:
            self._tls = ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE"))
        tls = self._tls if self.target.secure else None
        async with asyncio.timeout(CONNECT_S):
            return await asyncio.open_connection(host, port, ssl=tls, limit=_BUFFER)


def _path(bucket: str, key: str) -> str:
    return "/" + quote(f"{bucket}/{key}", safe="/")
