"""HTTP/1.1 over asyncio streams: the little two hot paths need, a request written whole and
its answer read back (status, body, whether the connection can be used again).

S3 uploads and downloads (`apoyo_common.storage.s3_signed`) and `apoyo load`'s client use it
instead of a general client, whose bookkeeping cost them more CPU than the request itself:
four uploads a support in capture, three downloads in identity, and the load generator runs
on the machine it measures.
"""

import asyncio
import contextlib
from dataclasses import dataclass

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class NotHttp(EOFError):
    """The peer answered something that is not an HTTP/1.x answer."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    keep: bool  # the connection may carry another request


async def exchange(conn: Connection, head: bytes, body: bytes) -> Answer:
    """Send `head` (request line and headers, ending in an empty line) and `body`; read the
    answer. A dropped connection raises OSError, EOFError or IncompleteReadError."""
    reader, writer = conn
    writer.write(head)
    writer.write(body)
    await writer.drain()
    return await read_answer(reader)


async def close_all(idle: list[Connection]) -> None:
    """Close the kept connections, emptying the list."""
    while idle:
        _, writer = idle.pop()
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def read_answer(reader: asyncio.StreamReader) -> Answer:
    lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = lines[0].split(" ", 2)
    if len(status) < 2 or not status[0].startswith("HTTP/1.") or not status[1].isdigit():
        raise NotHttp("not an HTTP answer")
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:] if line)
    }
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _chunks(reader)
    else:
        length = headers.get("content-length", "0")
        if not length.isdigit():
            raise NotHttp("a Content-Length that is not a number")
        body = await reader.readexactly(int(length))
    keep = headers.get("connection", "").lower() != "close"
    return Answer(int(status[1]), body, keep)


async def _chunks(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size_line = (await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError:
            raise NotHttp("a chunk size that is not a number") from None
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the end
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)  # the chunk's CRLF
