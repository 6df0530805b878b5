"""`apoyo serve SERVICE --workers N`: N processes of one service answering on one socket.

One process runs one event loop on one core; a service whose requests are CPU work (capture's
uploads) needs several to use a machine's cores. The parent binds the socket and forks the
workers before anything else starts (no loop, thread or connection is inherited); the kernel
hands each connection to one of them. Each worker is a whole replica (its pool, broker
clients, outbox relay); only the first reads the consumer lag. A worker dies with the parent
(even a SIGKILLed one), and when a worker ends, the parent stops the others and ends with
its code, so a supervisor restarts the whole service as it would one process.

Each worker listens on a socket of its own, all bound to the one port (SO_REUSEPORT): the
kernel picks a socket for each new connection by the hash of its addresses. With one socket
shared by all, the worker that woke first accepted a whole burst of connections, and a
client that keeps its connections (a proxy, `apoyo load`) then loaded one worker and one core
with nearly all of its requests (31 of 32 connections in runs of pipeline_load.py;
docs/operations.md, *Capture's reception, eighth pass*).
"""

import contextlib
import ctypes
import os
import signal
import socket
import sys
from types import FrameType

from apoyo_common.settings import Settings

_PR_SET_PDEATHSIG = 1


def listeners(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` listening sockets on one port (the first one's, when `port` is 0). The first
    is bound before it lets others share its port: a port another server holds, even another
    group of workers, is refused as it was with one socket, not shared with it."""
    socks = [bind(host, port)]
    try:
        while len(socks) < count:
            socks.append(bind(host, socks[0].getsockname()[1], join=True))
    except OSError:
        for sock in socks:
            sock.close()
        raise
    return socks


def bind(host: str, port: int, join: bool = False) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if join:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # the next ones may join
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve_workers(name: str, settings: Settings, workers: int) -> int:
    """Run `workers` processes of the service; the exit code of the first that ends."""
    socks = listeners(settings.http_host, settings.http_port, workers)
    children = [_fork(name, settings, socks, worker) for worker in range(workers)]
    for sock in socks:
        sock.close()

    def forward(signum: int, _: FrameType | None) -> None:
        _signal_all(children, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    code = _wait_first(children)
    _signal_all(children, signal.SIGTERM)
    for pid in children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    return code


def _fork(name: str, settings: Settings, socks: list[socket.socket], worker: int) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    sock = socks[worker]
    for other in socks:  # kept open here, another worker's socket would take connections too
        if other is not sock:
            other.close()
    try:
        _die_with_parent()
        from apoyo.production import serve_service
        from apoyo_common.server import run_fast

        run_fast(serve_service(name, settings, sock=sock, lag=worker == 0))
    except BaseException:  # the worker's own traceback, then its exit code
        sys.excepthook(*sys.exc_info())
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:  # the parent died before the line above
        os._exit(1)


def _wait_first(children: list[int]) -> int:
    while True:
        try:
            pid, status = os.wait()
        except InterruptedError:
            continue
        if pid in children:
            children.remove(pid)
            code = os.waitstatus_to_exitcode(status)
            return code if code >= 0 else 128 - code  # killed by a signal: 128 + its number


def _signal_all(children: list[int], signum: int) -> None:
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)
