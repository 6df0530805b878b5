"""The HTTP client `apoyo load` posts with: HTTP/1.1 over kept-alive connections, one per
request in flight, and nothing else.

The generator runs on the machine it measures, so what it spends is taken from the service.
httpx spent about 3.5 ms of CPU a support here, most of it in its connection pool's
bookkeeping (each change of state walks every connection of the pool for every waiting
request). A request here is its head and body written to a free connection and the answer's
status line, headers and body read back: about a tenth of that. Its process keeps large
blocks in the C allocator's heap as the services do (`apoyo_common.heap.keep_large_blocks`):
each support's body is a fresh 540 KB, which otherwise came with fresh pages every time.
"""

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from apoyo_common.heap import keep_large_blocks
from apoyo_common.http1 import Connection, close_all, exchange

# A connection idle this long is closed, not reused: a client must drop an idle connection
# before the server does, or a request can be written as the server closes it (a dropped
# connection, "unreachable", with the service up). Our services keep one 75 s
# (`apoyo_common.server.KEEP_ALIVE_S`); what stands before them may keep it less (uvicorn's
# default is 5 s).
KEEP_IDLE_S = 2.0


class Unreachable(Exception):
    """The connection was refused, dropped or answered with something that is not HTTP."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


@dataclass
class LoadClient:
    base_url: str
    _idle: list[tuple[Connection, float]] = field(default_factory=list)  # with when freed

    async def post(
        self, path: str, headers: dict[str, str], content: bytes, within_s: float
    ) -> Answer:
        """The answer; TimeoutError after `within_s` seconds, Unreachable when no answer came."""
        async with asyncio.timeout(within_s):
            conn = self._kept() or await self._connect()
            try:
                got = await exchange(conn, self._head(path, headers, len(content)), content)
            except (OSError, EOFError, asyncio.IncompleteReadError) as error:
                conn[1].close()
                raise Unreachable(type(error).__name__) from None
            except BaseException:
                conn[1].close()
                raise
        if got.keep:
            self._idle.append((conn, time.monotonic()))
        else:
            conn[1].close()
        return Answer(got.status, got.body)

    async def aclose(self) -> None:
        kept = [conn for conn, _ in self._idle]
        self._idle.clear()
        await close_all(kept)

    def _kept(self) -> Connection | None:
        """The connection freed last, unless it has been idle too long (then all have)."""
        if not self._idle:
            return None
        conn, freed = self._idle.pop()
        if time.monotonic() - freed < KEEP_IDLE_S:
            return conn
        for stale, _ in [(conn, freed), *self._idle]:
            stale[1].close()
        self._idle.clear()
        return None

    async def __aenter__(self) -> "LoadClient":
        keep_large_blocks()  # the bodies' buffers reuse the heap's pages
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    def _head(self, path: str, headers: dict[str, str], length: int) -> bytes:
        lines = [f"POST {path} HTTP/1.1", f"Host: {urlsplit(self.base_url).netloc}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"Content-Length: {length}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def _connect(self) -> Connection:
        url = urlsplit(self.base_url)
        try:
            return await asyncio.open_connection(url.hostname, url.port or 80)
        except OSError as error:
            raise Unreachable(type(error).__name__) from None
