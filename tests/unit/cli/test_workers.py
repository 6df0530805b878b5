"""The listening sockets of `apoyo serve SERVICE --workers N`: one per worker on one port,
new connections spread over them by the kernel."""

import errno
import select
import socket

import pytest

from apoyo.workers import listeners

BURST = 32  # as many kept-alive connections as `apoyo load` opens at once


def waiting(sock: socket.socket) -> int:
    """How many connections wait in a listening socket's queue (accepted and closed here)."""
    count = 0
    sock.setblocking(False)
    while select.select([sock], [], [], 0.2)[0]:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            break
        conn.close()
        count += 1
    return count


def test_each_worker_listens_on_a_socket_of_its_own_on_one_port() -> None:
    socks = listeners("127.0.0.1", 0, 3)
    try:
        assert len({s.fileno() for s in socks}) == 3
        assert len({s.getsockname()[1] for s in socks}) == 1
    finally:
        for sock in socks:
            sock.close()


def test_a_burst_of_connections_is_spread_over_the_workers() -> None:
    """One socket shared by every worker let the one that woke first accept a whole burst:
    `apoyo load`'s 32 connections were held 31 to 1 and 29 to 3 in runs of pipeline_load.py.
    Each socket here gets a share by the connection's hash: fewer than 4 of 32 has odds of
    about 3 in a million."""
    socks = listeners("127.0.0.1", 0, 2)
    port = socks[0].getsockname()[1]
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(BURST)]
    try:
        shares = [waiting(sock) for sock in socks]
    finally:
        for sock in [*socks, *clients]:
            sock.close()
    assert sum(shares) == BURST
    assert min(shares) >= 4


def test_a_port_another_server_holds_is_refused_not_shared() -> None:
    held = listeners("127.0.0.1", 0, 2)  # a group of workers already serving
    port = held[0].getsockname()[1]
    try:
        with pytest.raises(OSError) as refused:
            listeners("127.0.0.1", port, 2)
        assert refused.value.errno == errno.EADDRINUSE
    finally:
        for sock in held:
            sock.close()
