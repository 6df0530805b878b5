"""The HTTP client `apoyo load` posts with: HTTP/1.1 over kept-alive connections, one per
request in flight, and nothing else.

The generator runs on the machine it measures, so what it spends is taken from the service.
httpx spent about 3.5 ms of CPU a support here, most of it in its connection pool's
bookkeeping (each change of state walks every connection of the pool for every waiting
request). A request here is its head and body written to a free connection and the answer's
status line, headers and body read back: about a tenth of that.
"""

import asyncio
import contextlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


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
                answer, keep = await _exchange(
                    conn, self._head(path, headers, len(content)), content
                )
            except (OSError, EOFError, asyncio.IncompleteReadError, ValueError) as error:
                conn[1].close()
                raise Unreachable(type(error).__name__) from None
            except BaseException:
                conn[1].close()
                raise
        if keep:
            self._idle.append(conn)
        else:
            conn[1].close()
        return answer

    async def aclose(self) -> None:
        while self._idle:
            _, writer = self._idle.pop()
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

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


async def _exchange(conn: Connection, head: bytes, content: bytes) -> tuple[Answer, bool]:
    reader, writer = conn
    writer.write(head)
    writer.write(content)
    await writer.drain()
    lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = lines[0].split(" ", 2)
    if len(status) < 2 or not status[0].startswith("HTTP/1."):
        raise ValueError("not an HTTP answer")
    found = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:] if line)
    }
    if "chunked" in found.get("transfer-encoding", "").lower():
        raise ValueError("a chunked answer")  # capture's answers carry a Content-Length
    body = await reader.readexactly(int(found.get("content-length", "0")))
    keep = found.get("connection", "").lower() != "close"
    return Answer(int(status[1]), body), keep
