"""What the loopback HTTP servers of the client tests share: reading each request's body."""

import asyncio
from collections.abc import AsyncIterator


async def request_bodies(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    """The body of each request on one connection (by its Content-Length), until it ends."""
    try:
        while head := await reader.readuntil(b"\r\n\r\n"):
            length = next(
                int(line.split(b":")[1]) for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )  # fmt: skip
            yield await reader.readexactly(length)
    except (asyncio.IncompleteReadError, ConnectionError):
        return
