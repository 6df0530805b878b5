"""What the loopback HTTP servers of the client tests share: reading each request."""

import asyncio
from collections.abc import AsyncIterator


async def requests(reader: asyncio.StreamReader) -> AsyncIterator[tuple[bytes, bytes]]:
    """The head and body (by its Content-Length, none without) of each request on one
    connection, until it ends."""
    try:
        while head := await reader.readuntil(b"\r\n\r\n"):
            lines = head.lower().split(b"\r\n")
            sizes = [int(line[15:]) for line in lines if line.startswith(b"content-length:")]
            yield head, await reader.readexactly(sizes[0] if sizes else 0)
    except (asyncio.IncompleteReadError, ConnectionError):
        return


async def request_bodies(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    """The body of each request on one connection, until it ends."""
    async for _, body in requests(reader):
        yield body
