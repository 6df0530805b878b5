"""The served services' HTTP protocol (httptools, bounded as h11 was), over loopback: a head
within 16 KiB is read however it arrives, one past it is a 400 and the connection closes."""

import asyncio
import hashlib
import json
import os
import socket
from collections.abc import AsyncIterator, Iterable, Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from apoyo_common.http_parser import BODY_HIGH_WATER, MAX_HEAD_BYTES
from apoyo_common.server import serve


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse({"headers": len(request.headers), "body": len(body)})


async def pieces(request: Request) -> JSONResponse:
    """A busy application: it reads the body a while after it came. The sizes of the messages
    the body came in, and a digest of what arrived."""
    await asyncio.sleep(0.3)
    digest, sizes = hashlib.sha256(), []
    async for chunk in request.stream():
        digest.update(chunk)
        sizes += [len(chunk)] if chunk else []
    return JSONResponse({"sizes": sizes, "sha256": digest.hexdigest(), "body": 0})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def port() -> AsyncIterator[int]:
    app = Starlette(
        routes=[Route("/echo", echo, methods=["POST"]), Route("/pieces", pieces, methods=["POST"])]
    )
    chosen, stop = free_port(), asyncio.Event()
    server = asyncio.create_task(serve(app, "127.0.0.1", chosen, stop=stop))
    for _ in range(100):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", chosen)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        break
    yield chosen
    stop.set()
    await server


def head(headers: dict[str, str], length: int) -> bytes:
    lines = ["POST /echo HTTP/1.1", "Host: t", f"Content-Length: {length}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def exchange(port: int, pieces: Iterable[bytes]) -> bytes:
    """Send `pieces` one write at a time (each read apart by the server) while reading the
    answer, until the server closes, answers in full, or a second passes after the last."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answer = bytearray()

    async def read() -> None:
        while b'"body"' not in answer:
            got = await reader.read(65536)
            if not got:
                return
            answer.extend(got)

    reading = asyncio.create_task(read())
    try:
        for piece in pieces:
            if reading.done():
                break
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(0.01)
        await asyncio.wait_for(asyncio.shield(reading), 1)
    except (ConnectionError, TimeoutError):  # refused and closed while we still wrote
        pass
    finally:
        reading.cancel()
        writer.close()
    return bytes(answer)


def cut(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


async def test_a_head_within_the_bound_is_read_whatever_its_pieces(port: int) -> None:
    near = {f"x-h{i}": "v" * 900 for i in range(15)}  # about 14 KiB of headers
    body = b"b" * 300_000
    request = head(near, len(body)) + body
    for size in (len(request), 4096, 1000):
        answer = await exchange(port, cut(request, size))
        assert answer.startswith(b"HTTP/1.1 200"), answer[:80]
        assert b'"body":300000' in answer


async def test_a_head_over_the_bound_is_refused_and_the_connection_closed(port: int) -> None:
    large = head({f"x-h{i}": "v" * 900 for i in range(30)}, 0)  # about 27 KiB
    answer = await exchange(port, cut(large, 1000))
    assert answer.startswith(b"HTTP/1.1 400")
    assert answer.endswith(b"Invalid HTTP request received.")


async def test_one_header_that_never_ends_is_refused_soon(port: int) -> None:
    """h11 refused it at 16 KiB; uvicorn's httptools would have kept it whole."""
    sent = [0]

    def endless() -> Iterator[bytes]:
        yield b"POST /echo HTTP/1.1\r\nHost: t\r\nX-Endless: "
        for _ in range(2000):  # 8 MB if it were all read
            sent[0] += 1
            yield b"v" * 4096

    answer = await exchange(port, endless())
    assert answer.startswith(b"HTTP/1.1 400")
    # Refused long before the end: the bound is MAX_HEAD_BYTES // 4096 pieces and a read or
    # two; the rest is how late a busy client heard the answer (10 ms a piece: 500 are 5 s).
    assert MAX_HEAD_BYTES // 4096 <= sent[0] < 500


async def sent_to_pieces(port: int, size: int) -> list[int]:
    body = os.urandom(size)
    request = head({}, size).replace(b"/echo", b"/pieces")
    answer = await exchange(port, [request + body])
    found = json.loads(answer.partition(b"\r\n\r\n")[2])
    assert found["sha256"] == hashlib.sha256(body).hexdigest()
    return list(found["sizes"])


async def test_a_support_waits_whole_for_a_busy_application(port: int) -> None:
    # uvicorn paused the reading once 64 KiB waited: a busy capture worker took a support's
    # 540 KB in about nine messages, each a pass through every middleware.
    assert len(await sent_to_pieces(port, 540_000)) <= 2


async def test_a_larger_body_still_pauses_the_reading_and_arrives_whole(port: int) -> None:
    sizes = await sent_to_pieces(port, 3 * BODY_HIGH_WATER)
    assert sizes[0] < BODY_HIGH_WATER + 512 * 1024  # paused near the bound, not read to the end
    assert sum(sizes) == 3 * BODY_HIGH_WATER
