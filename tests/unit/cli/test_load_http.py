"""The HTTP client `apoyo load` posts with, against a loopback server."""

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from apoyo import load_http
from apoyo.load_http import LoadClient, Unreachable
from tests.loopback_http import request_bodies

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def answering(answer: bytes, close: bool = False) -> tuple[Handler, list[bytes]]:
    """A server handler answering every request with `answer`; the bodies it read."""
    bodies: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async for body in request_bodies(reader):
            bodies.append(body)
            writer.write(answer)
            await writer.drain()
            if close:
                break
        writer.close()

    return handle, bodies


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Handler], Awaitable[tuple[str, list[int]]]]]:
    servers: list[asyncio.Server] = []

    async def start(handler: Handler) -> tuple[str, list[int]]:
        connections: list[int] = []

        async def counted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            connections.append(1)
            await handler(reader, writer)

        server = await asyncio.start_server(counted, "127.0.0.1", 0)
        servers.append(server)
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", connections

    yield start
    for server in servers:
        server.close()
    await asyncio.sleep(0.01)


async def test_answers_come_back_over_a_kept_connection(serve: object) -> None:
    handler, bodies = answering(
        b'HTTP/1.1 202 Accepted\r\ncontent-length: 18\r\n\r\n{"support_id":"s"}'
    )
    url, connections = await serve(handler)  # type: ignore[operator]
    async with LoadClient(url) as client:
        for n in range(3):
            answer = await client.post("/v1/supports", {"X-N": str(n)}, b"b" * n, 5)
            assert (answer.status, answer.body) == (202, b'{"support_id":"s"}')
    assert bodies == [b"", b"b", b"bb"] and len(connections) == 1


async def test_a_connection_idle_too_long_is_not_used_again(
    serve: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, bodies = answering(b"HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\n{}")
    url, connections = await serve(handler)  # type: ignore[operator]
    monkeypatch.setattr(load_http, "KEEP_IDLE_S", 0.05)
    async with LoadClient(url) as client:
        await client.post("/", {}, b"a", 5)
        await client.post("/", {}, b"b", 5)  # at once: the same connection
        await asyncio.sleep(0.1)  # idle longer than kept: a server may be closing it
        await client.post("/", {}, b"c", 5)
    assert bodies == [b"a", b"b", b"c"] and len(connections) == 2


async def test_a_closed_connection_is_not_used_again(serve: object) -> None:
    handler, bodies = answering(
        b"HTTP/1.1 503 X\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", close=True
    )
    url, connections = await serve(handler)  # type: ignore[operator]
    async with LoadClient(url) as client:
        for _ in range(2):
            assert (await client.post("/", {}, b"x", 5)).status == 503
    assert len(bodies) == 2 and len(connections) == 2


async def test_no_answer_in_time_is_a_timeout(serve: object) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up and closes
        writer.close()

    url, _ = await serve(silent)  # type: ignore[operator]
    async with LoadClient(url) as client:
        with pytest.raises(TimeoutError):
            await client.post("/", {}, b"x", 0.1)


async def test_a_refused_or_dropped_connection_is_unreachable(serve: object) -> None:
    handler, _ = answering(b"garbage\r\n\r\n")
    url, _ = await serve(handler)  # type: ignore[operator]
    async with LoadClient(url) as client:
        with pytest.raises(Unreachable):
            await client.post("/", {}, b"x", 5)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with LoadClient(f"http://127.0.0.1:{port}") as client:
        with pytest.raises(Unreachable):
            await client.post("/", {}, b"x", 5)
