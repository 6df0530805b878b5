"""The signed PUT and GET of apoyo_common.storage.s3_signed: minio's signature for the same
requests, and what a store that fails, refuses or closes connections makes of them."""

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from minio.credentials.credentials import Credentials
from minio.error import ServerError
from minio.signer import sign_v4_s3

from apoyo_common.outages import is_outage
from apoyo_common.storage import s3_signed
from apoyo_common.storage.protocol import ObjectNotFound
from apoyo_common.storage.s3_signed import (
    PutRefused,
    Refused,
    S3Target,
    SignedRequests,
    get_request,
    put_request,
    signing_key,
)
from tests.loopback_http import requests

NOW = datetime(2026, 11, 29, 8, 0, 5, tzinfo=UTC)


def target(port: int = 9000) -> S3Target:
    return S3Target(f"127.0.0.1:{port}", False, "us-east-1", "apoyo", "apoyo-secret-key")


def headers_sent(head: bytes) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:] if ": " in line)


def minios_authorization(
    method: str, path: str, payload: str, endpoint: str, checksum: str | None = None
) -> str:
    """The Authorization header minio signs for the same request at NOW; `payload` is the
    body's SHA-256 or UNSIGNED-PAYLOAD, `checksum` an upload's `x-amz-checksum-crc32`."""
    told = {} if checksum is None else {"x-amz-checksum-crc32": checksum}
    signed = sign_v4_s3(
        method=method,
        url=urlsplit(f"http://{endpoint}{path}"),
        region="us-east-1",
        headers={"Host": endpoint, **told, "x-amz-content-sha256": payload,
                 "x-amz-date": "20261129T080005Z"},
        credentials=Credentials("apoyo", "apoyo-secret-key"),
        content_sha256=payload,
        date=NOW,
    )  # fmt: skip
    return str(signed["Authorization"])


PHOTO_PATH = "/bucket/evidence/gub-son-2027/s-1/credential_front.jpg"


def photo_head(to: S3Target, data: bytes) -> bytes:
    key = signing_key("apoyo-secret-key", "20261129", "us-east-1")
    return put_request(to, PHOTO_PATH, data, "image/jpeg", NOW, key)


def test_the_signature_is_minios_for_the_same_request() -> None:
    data = b"\xff\xd8 a photo"
    remote = S3Target("s3.example:9000", False, "us-east-1", "apoyo", "apoyo-secret-key")
    head = photo_head(remote, data)
    sent = headers_sent(head)
    digest = hashlib.sha256(data).hexdigest()
    assert head.startswith(f"PUT {PHOTO_PATH} HTTP/1.1\r\n".encode())
    checksum = sent["x-amz-checksum-crc32"]
    assert sent["Authorization"] == minios_authorization(
        "PUT", PHOTO_PATH, digest, remote.endpoint, checksum
    )
    assert sent["x-amz-content-sha256"] == digest
    assert sent["Content-Length"] == str(len(data))


def test_an_upload_tells_its_bodys_crc32_as_s3_carries_it() -> None:
    # CRC32 of "hello world" is 0x0d4a1185: big-endian, then base64
    sent = headers_sent(photo_head(target(), b"hello world"))
    assert sent["x-amz-checksum-crc32"] == "DUoRhQ=="
    assert "x-amz-checksum-crc32" in sent["Authorization"].split("SignedHeaders=")[1]


def test_an_upload_to_this_machine_leaves_its_body_unsigned_as_minio_would() -> None:
    data = b"\xff\xd8 a photo"
    sent = headers_sent(photo_head(target(), data))
    unsigned = "UNSIGNED-PAYLOAD"
    assert sent["x-amz-content-sha256"] == unsigned
    assert sent["Authorization"] == minios_authorization(
        "PUT", PHOTO_PATH, unsigned, "127.0.0.1:9000", sent["x-amz-checksum-crc32"]
    )
    assert sent["Content-Length"] == str(len(data))


@pytest.mark.parametrize(
    ("endpoint", "secure", "signs"),
    [
        ("127.0.0.1:9000", False, False),
        ("localhost:9000", False, False),
        ("[::1]:9000", False, False),
        ("s3.example:443", True, False),
        ("minio.apoyo.svc:9000", False, True),
        ("10.0.0.7:9000", False, True),
        ("127.0.0.1.example:9000", False, True),
    ],
)
def test_payloads_are_signed_only_where_the_way_to_the_store_could_change_them(
    endpoint: str, secure: bool, signs: bool
) -> None:
    assert S3Target(endpoint, secure, "us-east-1", "a", "b").signs_payload is signs


class Store:
    """A loopback HTTP server answering each request with the next status of `answers`: a PUT
    keeps its body under its path, a GET answers with what was kept there (404 if nothing)."""

    def __init__(self, answers: list[int], close: bool = False) -> None:
        self.answers, self.close = answers, close
        self.bodies: list[bytes] = []
        self.objects: dict[str, bytes] = {}
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        async for head, sent in requests(reader):
            method, path = head.decode().split(" ")[:2]
            status = self.answers.pop(0) if self.answers else 200
            body = b"<Error/>" if status >= 300 else b""
            if method == "PUT":
                self.bodies.append(sent)
                self.objects[path] = sent
            elif status < 300 and path not in self.objects:
                status, body = 404, b"<Error><Code>NoSuchKey</Code></Error>"
            elif status < 300:
                body = self.objects[path]
            closing = b"Connection: close\r\n" if self.close else b""
            writer.write(
                b"HTTP/1.1 %d X\r\nContent-Length: %d\r\n%s\r\n%s"
                % (status, len(body), closing, body)
            )
            await writer.drain()
            if self.close:
                break
        writer.close()


@pytest.fixture
async def serving() -> AsyncIterator[Callable[[Store], asyncio.Future[int]]]:
    servers: list[asyncio.Server] = []

    async def start(store: Store) -> int:
        server = await asyncio.start_server(store.handle, "127.0.0.1", 0)
        servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    yield start  # type: ignore[misc]
    for server in servers:
        server.close()
    await asyncio.sleep(0.01)  # the handlers see their connections end


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(s3_signed, "BACKOFF_S", 0.001)


async def test_uploads_reuse_a_kept_connection_and_not_a_closed_one(serving: object) -> None:
    kept, closing = Store([]), Store([], close=True)
    for store, connections in ((kept, 1), (closing, 3)):
        put = SignedRequests(target(await serving(store)))  # type: ignore[operator]
        for n in range(3):
            await put.put("bucket", f"k/{n}", b"x" * (n + 1), "image/png")
        await put.close()
        assert store.bodies == [b"x", b"xx", b"xxx"] and store.connections == connections


async def test_a_5xx_is_tried_again_then_raised_as_an_outage(serving: object) -> None:
    store = Store([503, 500])
    put = SignedRequests(target(await serving(store)))  # type: ignore[operator]
    await put.put("bucket", "k", b"data", "image/png")
    await put.close()
    assert len(store.bodies) == 3
    failing = Store([503] * 4)
    put = SignedRequests(target(await serving(failing)))  # type: ignore[operator]
    with pytest.raises(ServerError) as raised:
        await put.put("bucket", "k", b"data", "image/png")
    await put.close()
    assert len(failing.bodies) == 4 and is_outage(raised.value)


async def test_a_refusal_is_raised_at_once_and_is_no_outage(serving: object) -> None:
    store = Store([403])
    put = SignedRequests(target(await serving(store)))  # type: ignore[operator]
    with pytest.raises(PutRefused) as raised:
        await put.put("bucket", "k", b"data", "image/png")
    await put.close()
    assert len(store.bodies) == 1 and not is_outage(raised.value)


async def test_a_store_that_is_not_there_is_an_outage(serving: object) -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = int(server.sockets[0].getsockname()[1])
    server.close()
    await server.wait_closed()
    with pytest.raises(OSError) as raised:
        await SignedRequests(target(port)).put("bucket", "k", b"data", "image/png")
    assert is_outage(raised.value)


def test_a_downloads_signature_is_minios_for_the_same_request() -> None:
    path = "/bucket/evidence/gub-son-2027/s-1/credential_back.jpg"
    key = signing_key("apoyo-secret-key", "20261129", "us-east-1")
    head = get_request(target(), path, NOW, key)
    sent = headers_sent(head)
    assert head.startswith(f"GET {path} HTTP/1.1\r\n".encode()) and head.endswith(b"\r\n\r\n")
    empty = hashlib.sha256(b"").hexdigest()
    assert sent["Authorization"] == minios_authorization("GET", path, empty, "127.0.0.1:9000")
    assert "Content-Length" not in sent


async def uploaded(
    serving: object, store: Store, size: int
) -> tuple[SignedRequests, dict[str, bytes]]:
    """Three photos of about `size` bytes uploaded to `store`, and the client that did it."""
    signed = SignedRequests(target(await serving(store)))  # type: ignore[operator]
    photos = {f"evidence/p/s-1/{n}.jpg": bytes([n]) * (size + n) for n in range(3)}
    for key, data in photos.items():
        await signed.put("bucket", key, data, "image/jpeg")
    return signed, photos


async def test_downloads_read_what_was_uploaded_over_a_kept_connection(serving: object) -> None:
    store = Store([])
    signed, photos = await uploaded(serving, store, 300_000)
    read = await asyncio.gather(*(signed.get("bucket", key) for key in photos))
    await signed.close()
    assert read == list(photos.values())
    before = store.connections
    again = SignedRequests(target(await serving(store)))  # type: ignore[operator]
    assert [await again.get("bucket", key) for key in photos] == list(photos.values())
    await again.close()
    assert store.connections == before + 1  # one, kept for the three downloads in turn


async def test_a_missing_object_is_not_found_and_a_refusal_is_no_outage(serving: object) -> None:
    store = Store([200, 403])
    signed = SignedRequests(target(await serving(store)))  # type: ignore[operator]
    with pytest.raises(ObjectNotFound):
        await signed.get("bucket", "evidence/p/absent.jpg")
    with pytest.raises(Refused) as raised:
        await signed.get("bucket", "evidence/p/absent.jpg")
    await signed.close()
    assert not is_outage(raised.value)


async def test_a_download_that_fails_is_tried_again_then_raised_as_an_outage(
    serving: object,
) -> None:
    store = Store([])
    signed = SignedRequests(target(await serving(store)))  # type: ignore[operator]
    await signed.put("bucket", "k", b"photo", "image/jpeg")
    store.answers = [503, 502]
    assert await signed.get("bucket", "k") == b"photo"
    store.answers = [503] * 4
    with pytest.raises(ServerError) as raised:
        await signed.get("bucket", "k")
    await signed.close()
    assert is_outage(raised.value) and not store.answers


async def test_several_downloads_are_written_at_once_on_one_connection(serving: object) -> None:
    store = Store([])
    signed, photos = await uploaded(serving, store, 200_000)
    before = store.connections
    assert await signed.get_many("bucket", list(photos)) == list(photos.values())
    assert await signed.get_many("bucket", list(photos)[::-1]) == list(photos.values())[::-1]
    await signed.close()
    assert store.connections == before  # the uploads' kept connection, for both


async def test_several_downloads_from_a_store_that_closes_each_connection(serving: object) -> None:
    store = Store([], close=True)
    signed, photos = await uploaded(serving, store, 1000)
    before = store.connections
    assert await signed.get_many("bucket", list(photos)) == list(photos.values())
    await signed.close()
    assert store.connections == before + 3  # one answer a connection, the rest sent again


async def test_several_downloads_missing_refused_or_failing_as_each_alone(
    serving: object,
) -> None:
    store = Store([])
    signed = SignedRequests(target(await serving(store)))  # type: ignore[operator]
    await signed.put("bucket", "a", b"front", "image/jpeg")
    await signed.put("bucket", "b", b"back", "image/jpeg")
    with pytest.raises(ObjectNotFound) as missing:
        await signed.get_many("bucket", ["a", "absent", "b"])
    assert missing.value.args == ("absent",)
    store.answers = [200, 403]
    with pytest.raises(Refused) as refused:
        await signed.get_many("bucket", ["a", "b"])
    assert not is_outage(refused.value)
    store.answers = [200, 503, 502]  # the second tried again, and the first not read again
    assert await signed.get_many("bucket", ["a", "b"]) == [b"front", b"back"]
    assert not store.answers
    store.answers = [503] * 4
    with pytest.raises(ServerError) as failing:
        await signed.get_many("bucket", ["a"])
    await signed.close()
    assert is_outage(failing.value) and not store.answers
