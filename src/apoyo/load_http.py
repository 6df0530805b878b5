"""The HTTP client `apoyo load` posts with: HTTP/1.1 over kept-alive connections, one per
request in flight, and nothing else.

The generator runs on the machine it measures, so what it spends is taken from the service.
httpx spent about 3.5 ms of CPU a support here, most of it in its connection pool's
bookkeeping (each change of state walks every connection of the pool for every waiting
request). A request here is its head and body written to a free connection and the answer's
status line, headers and body read back: about a tenth of that.
"""

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from apoyo_common.http1 import Connection, close_all, exchange


class Unreachable(Exception):
    """The connection was refused, dropped or answered with something that is not HTTP."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


@dataclass
class LoadClient:
    base_url: str
    _idle: list[Connection] = field(default_factory=list)

    async def post(
        self, path: str, headers: dict[str, str], content: bytes, within_s: float
    ) -> Answer:
        """The answer; TimeoutError after `within_s` seconds, Unreachable when no answer came."""
        async with asyncio.timeout(within_s):
            conn = self._idle.pop() if self._idle else await self._connect()
            try:
                got = await exchange(conn, self._head(path, headers, len(content)), content)
            except (OSError, EOFError, asyncio.IncompleteReadError) as error:
                conn[1].close()
                raise Unreachable(type(error).__name__) from None
            except BaseException:
                conn[1].close()
                raise
        if got.keep:
            self._idle.append(conn)
        else:
            conn[1].close()
        return Answer(got.status, got.body)

    async def aclose(self) -> None:
        await close_all(self._idle)

    async def __aenter__(self) -> "LoadClient":
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
