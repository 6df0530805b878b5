"""Reading an HTTP/1.1 answer: plain and chunked bodies, whether the connection may be kept,
and a clear NotHttp for what is not an answer."""

import asyncio

import pytest

from apoyo_common.http1 import NotHttp, read_answer


def stream(data: bytes) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    return reader


async def test_a_body_of_its_content_length_and_a_kept_connection() -> None:
    answer = await read_answer(stream(b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}NEXT"))
    assert (answer.status, answer.body, answer.keep) == (202, b"{}", True)


async def test_a_chunked_body_is_joined_and_the_connection_kept() -> None:
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    wire = head + b"3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n"
    answer = await read_answer(stream(wire))
    assert (answer.status, answer.body, answer.keep) == (200, b"abcde", True)


async def test_connection_close_is_not_kept() -> None:
    answer = await read_answer(stream(b"HTTP/1.1 503 X\r\nConnection: close\r\n\r\n"))
    assert (answer.status, answer.body, answer.keep) == (503, b"", False)


@pytest.mark.parametrize(
    "wire",
    [
        b"SSH-2.0-OpenSSH\r\n\r\n",
        b"HTTP/1.1 abc X\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
async def test_what_is_not_an_answer_is_refused(wire: bytes) -> None:
    with pytest.raises(NotHttp):
        await read_answer(stream(wire))


async def test_a_cut_answer_is_an_incomplete_read() -> None:
    with pytest.raises(asyncio.IncompleteReadError):
        await read_answer(stream(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
