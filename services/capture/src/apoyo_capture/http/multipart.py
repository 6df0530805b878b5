"""A support's multipart/form-data body (RFC 7578), read whole and cut at its delimiters.

Starlette's parser walks the body in the server's 64 KiB pieces through python-multipart's
callbacks and spools each file to a temporary file, about 0.4 ms of CPU a 400 KB support; the
body is in memory anyway (every image is checked and stored whole), so here it is cut with
`bytes.find`, about a third of that. The same limits hold, each a `Malformed` (400): the
number of files and of fields, a field's size, the boundary's length, a part's header count
and header line size (python-multipart's: 8 headers, 4,224 bytes a line), a part without a
name. The grammar is strict where a real client never strays: the body starts with the first
delimiter (blank lines before it are skipped, as python-multipart does), every delimiter is
followed by CRLF or by the closing `--`, and a body without its closing delimiter is refused.
"""

from dataclasses import dataclass

from python_multipart.multipart import parse_options_header

MAX_BOUNDARY = 256  # RFC 2046 says 70; python-multipart's headroom over every client
MAX_HEADERS = 8
MAX_HEADER_LINE = 4096 + 128
_CRLF = b"\r\n"
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


class Malformed(Exception):
    """The body does not follow the grammar or passes a limit (English: for logs, never sent)."""


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None  # None: a field, not a file
    data: bytes


@dataclass(frozen=True)
class Limits:
    files: int
    fields: int
    field_bytes: int


def boundary_of(content_type: str) -> bytes:
    """The boundary parameter of a multipart Content-Type."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary", b"")
    if not boundary or len(boundary) > MAX_BOUNDARY:
        raise Malformed("missing or overlong boundary")
    return boundary


def parts(body: bytes, boundary: bytes, limits: Limits) -> list[Part]:
    """Every part of the body, in order, within the limits."""
    delimiter = b"--" + boundary
    at = _first_delimiter(body, delimiter)
    found: list[Part] = []
    while True:
        at += len(delimiter)
        if body.startswith(b"--", at):  # the closing delimiter; an epilogue is ignored
            return found
        if not body.startswith(_CRLF, at):
            raise Malformed("a delimiter not followed by CRLF")
        part, at = _part(body, at + 2, _CRLF + delimiter)
        found.append(part)
        _check_counts(found, limits)


def _first_delimiter(body: bytes, delimiter: bytes) -> int:
    start = 0
    while body[start : start + 1] in (b"\r", b"\n"):  # not lstrip: that copies the body
        start += 1
    if not body.startswith(delimiter, start):
        raise Malformed("the body does not start with the boundary")
    return start


def _part(body: bytes, start: int, delimiter: bytes) -> tuple[Part, int]:
    """The part whose headers start at `start`, and where the delimiter after it starts."""
    if body.startswith(_CRLF, start):  # no header at all: no name
        raise Malformed("a part without headers")
    most = MAX_HEADERS * (MAX_HEADER_LINE + 2)
    blank = body.find(_CRLF * 2, start, start + most + 2)
    if blank < 0:
        raise Malformed("a part's headers are unterminated or too large")
    name, filename = _disposition(body[start:blank])
    end = body.find(delimiter, blank + 4)
    if end < 0:
        raise Malformed("a part without a delimiter after it")
    return Part(name, filename, body[blank + 4 : end]), end + 2


def _disposition(block: bytes) -> tuple[str, str | None]:
    """The name and file name (None for a field) in a part's Content-Disposition."""
    lines = block.split(_CRLF)
    if len(lines) > MAX_HEADERS:
        raise Malformed("too many part headers")
    disposition = None
    for line in lines:
        field, value = _header(line)
        if field == b"content-disposition":
            disposition = value.decode("latin-1").strip(" \t")
    _, options = parse_options_header(disposition)
    if b"name" not in options:
        raise Malformed("a part without a name")
    filename = options.get(b"filename")
    return _text(options[b"name"]), None if filename is None else _text(filename)


def _header(line: bytes) -> tuple[bytes, bytes]:
    """A header line's name (lower case) and value; a name must be an RFC 9110 token."""
    field, colon, value = line.partition(b":")
    well_formed = (
        colon and field and _TOKEN.issuperset(field) and len(line) <= MAX_HEADER_LINE
        and b"\r" not in value and b"\n" not in value
    )  # fmt: skip
    if not well_formed:
        raise Malformed("a malformed part header")
    return field.lower(), value


def _text(raw: bytes) -> str:
    """A header parameter as the client meant it: UTF-8 (browsers send it raw), else Latin-1,
    as Starlette decoded it."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _check_counts(found: list[Part], limits: Limits) -> None:
    last = found[-1]
    if last.filename is None and len(last.data) > limits.field_bytes:
        raise Malformed("a field over its size limit")
    files = sum(1 for p in found if p.filename is not None)
    if files > limits.files or len(found) - files > limits.fields:
        raise Malformed("too many files or fields")
