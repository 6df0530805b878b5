"""The signed PUT of apoyo_common.storage.s3_put: minio's signature for the same request, and
what a store that fails, refuses or closes connections makes of an upload."""

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
from apoyo_common.storage import s3_put
from apoyo_common.storage.s3_put import PutRefused, S3Target, SignedPut, put_request, signing_key
from tests.loopback_http import request_bodies

NOW = datetime(2026, 11, 29, 8, 0, 5, tzinfo=UTC)


def target(port: int = 9000) -> S3Target:
    return S3Target(f"127.0.0.1:{port}", False, "us-east-1", "apoyo", "apoyo-secret-key")


def test_the_signature_is_minios_for_the_same_request() -> None:
    data = b"\xff\xd8 a photo"
    path = "/bucket/evidence/gub-son-2027/s-1/credential_front.jpg"
    head = put_request(
        target(),
        path,
        data,
        "image/jpeg",
        NOW,
        signing_key("apoyo-secret-key", "20261129", "us-east-1"),
    )
    sent = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:] if ": " in line)
    payload = hashlib.sha256(data).hexdigest()
    theirs = sign_v4_s3(
        method="PUT",
        url=urlsplit("http://127.0.0.1:9000" + path),
        region="us-east-1",
        headers={"Host": "127.0.0.1:9000", "x-amz-content-sha256": payload,
                 "x-amz-date": "20261129T080005Z"},
        credentials=Credentials("apoyo", "apoyo-secret-key"),
        content_sha256=payload,
        date=NOW,
    )  # fmt: skip
    assert head.startswith(f"PUT {path} HTTP/1.1\r\n".encode())
    assert sent["Authorization"] == theirs["Authorization"]
    assert sent["x-amz-content-sha256"] == payload and sent["Content-Length"] == str(len(data))


class Store:
    """A loopback HTTP server answering each PUT with the next status of `answers`."""

    def __init__(self, answers: list[int], close: bool = False) -> None:
        self.answers, self.close = answers, close
        self.bodies: list[bytes] = []
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        async for sent in request_bodies(reader):
            self.bodies.append(sent)
            status = self.answers.pop(0) if self.answers else 200
            body = b"<Error/>" if status >= 300 else b""
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
    monkeypatch.setattr(s3_put, "BACKOFF_S", 0.001)


async def test_uploads_reuse_a_kept_connection_and_not_a_closed_one(serving: object) -> None:
    kept, closing = Store([]), Store([], close=True)
    for store, connections in ((kept, 1), (closing, 3)):
        put = SignedPut(target(await serving(store)))  # type: ignore[operator]
        for n in range(3):
            await put.put("bucket", f"k/{n}", b"x" * (n + 1), "image/png")
        await put.close()
        assert store.bodies == [b"x", b"xx", b"xxx"] and store.connections == connections


async def test_a_5xx_is_tried_again_then_raised_as_an_outage(serving: object) -> None:
    store = Store([503, 500])
    put = SignedPut(target(await serving(store)))  # type: ignore[operator]
    await put.put("bucket", "k", b"data", "image/png")
    await put.close()
    assert len(store.bodies) == 3
    failing = Store([503] * 4)
    put = SignedPut(target(await serving(failing)))  # type: ignore[operator]
    with pytest.raises(ServerError) as raised:
        await put.put("bucket", "k", b"data", "image/png")
    await put.close()
    assert len(failing.bodies) == 4 and is_outage(raised.value)


async def test_a_refusal_is_raised_at_once_and_is_no_outage(serving: object) -> None:
    store = Store([403])
    put = SignedPut(target(await serving(store)))  # type: ignore[operator]
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
        await SignedPut(target(port)).put("bucket", "k", b"data", "image/png")
    assert is_outage(raised.value)
