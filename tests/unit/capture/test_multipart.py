"""The support's multipart parser: what clients send comes back part for part, python-multipart's
limits hold, and no body, however broken, gets anything but its parts or `Malformed`."""

import asyncio
import json
from collections.abc import AsyncGenerator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from apoyo.client import support_data
from apoyo_capture.http.multipart import Limits, Malformed, Part, boundary_of, parts
from apoyo_capture.http.uploads import DATA_PART_LIMIT, read_support
from apoyo_capture.refusals import Refused
from tests.factories import citizen
from tests.unit.capture.test_images import encoded as image

LOOSE = Limits(files=100, fields=100, field_bytes=1 << 20)
B = b"frontera"
Form = list[tuple[str, str | None, bytes]]  # name, file name (None: a field), bytes


def encoded(form: Form) -> tuple[bytes, str]:
    """The body and Content-Type httpx sends for `form`, as clients of the API send it."""
    fields = [(n, d.decode("latin-1")) for n, f, d in form if f is None]
    files = [(n, (f, d, "application/octet-stream")) for n, f, d in form if f is not None]
    request = httpx.Request("POST", "http://x/", data=dict(fields), files=files)
    return request.read(), request.headers["content-type"]


def raw(*sections: bytes, boundary: bytes = B) -> bytes:
    """A body written by hand: each section is a part's headers, a blank line and its data."""
    body = b"".join(b"--" + boundary + b"\r\n" + s + b"\r\n" for s in sections)
    return body + b"--" + boundary + b"--\r\n"


def field(name: bytes, data: bytes) -> bytes:
    return b'Content-Disposition: form-data; name="' + name + b'"\r\n\r\n' + data


def file(name: bytes, data: bytes, filename: bytes = b"x.jpg") -> bytes:
    disposition = b'form-data; name="' + name + b'"; filename="' + filename + b'"'
    return b"Content-Disposition: " + disposition + b"\r\nContent-Type: image/jpeg\r\n\r\n" + data


def test_a_support_as_httpx_sends_it_comes_back_part_for_part() -> None:
    front, signature = image("JPEG"), image("PNG")
    data = json.dumps(support_data(citizen(1), "gub-son-2027", "asp-01")).encode()
    form: Form = [("data", None, data), ("credential_front", "f.jpg", front),
                  ("signature", "firma.png", signature)]  # fmt: skip
    body, content_type = encoded(form)
    found = parts(body, boundary_of(content_type), LOOSE)
    assert [(p.name, p.filename, p.data) for p in found] == [
        (n, f, d) for n, f, d in form if f is None
    ] + [(n, f, d) for n, f, d in form if f is not None]


names = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters='"\\'),
                min_size=1, max_size=12)  # fmt: skip
# Data full of near-delimiters: CRLFs, dashes and the boundary's own bytes.
payloads = st.lists(st.sampled_from([b"\r\n", b"--", b"\r\n--", b"-", b"a", b"\xff\xd8", b"\x00"])
                    | st.binary(max_size=40), max_size=30).map(b"".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(names, st.none() | names, payloads), min_size=1, max_size=6))
def test_any_form_a_client_encodes_is_read_back_as_starlette_reads_it(form: Form) -> None:
    form = [*form, ("last", "last.jpg", b"\r\n--")]  # without a file httpx sends urlencoded
    body, content_type = encoded(form)
    ours = [(p.name, p.filename, p.data) for p in parts(body, boundary_of(content_type), LOOSE)]
    assert ours == starlettes(body, content_type)


def starlettes(
    body: bytes, content_type: str, **limits: int
) -> list[tuple[str, str | None, bytes]]:
    """What Starlette's parser (the one this replaced) makes of the body."""

    async def stream() -> AsyncGenerator[bytes, None]:
        yield body

    async def read() -> list[tuple[str, str | None, bytes]]:
        parser = MultiPartParser(Headers({"content-type": content_type}), stream(), **limits)
        found = []
        for name, value in (await parser.parse()).multi_items():
            if isinstance(value, UploadFile):
                found.append((name, value.filename, await value.read()))
                await value.close()
            else:
                found.append((name, None, value.encode("utf-8")))
        return found

    return asyncio.run(read())


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_a_broken_body_gives_its_parts_or_malformed_never_another_error(
    data: st.DataObject,
) -> None:
    body = bytearray(raw(field(b"data", b"{}"), file(b"credential_front", b"\xff\xd8\r\n--x")))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(body)))
        edit = data.draw(st.sampled_from(["cut", "insert", "flip", "truncate"]))
        if edit == "truncate":
            del body[at:]
        elif edit == "cut":
            del body[at : at + data.draw(st.integers(1, 12))]
        elif edit == "insert":
            body[at:at] = data.draw(st.sampled_from([b"\r\n", b"--", b"--" + B, b"\r\n\r\n", b":"]))
        elif at < len(body):
            body[at] = data.draw(st.integers(0, 255))
    limits = Limits(files=1, fields=1, field_bytes=16)
    try:
        found = parts(bytes(body), B, limits)
    except Malformed:
        return
    assert sum(p.filename is not None for p in found) <= 1
    assert all(len(p.data) <= 16 for p in found if p.filename is None)
    assert all(p.data in body for p in found)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(raw(field(b"data", b"{}"))[:-4], id="no closing delimiter"),
        pytest.param(raw(field(b"data", b"{}")).replace(b"--\r\n", b""), id="cut after data"),
        pytest.param(b"preamble\r\n" + raw(field(b"data", b"{}")), id="preamble"),
        pytest.param(raw(field(b"data", b"{}")).replace(B + b"\r\n", B + b" \r\n"), id="padding"),
        pytest.param(raw(b"\r\n{}"), id="no headers"),
        pytest.param(raw(b"Content-Type: text/plain\r\n\r\n{}"), id="no disposition"),
        pytest.param(raw(b"Content-Disposition: form-data\r\n\r\n{}"), id="no name"),
        pytest.param(raw(b"Bad Header: x\r\n" + field(b"data", b"{}")), id="space in a name"),
        pytest.param(raw(b": x\r\n" + field(b"data", b"{}")), id="empty header name"),
        pytest.param(raw(b"X-A: \rx\r\n" + field(b"data", b"{}")), id="bare CR"),
        pytest.param(raw(b"no colon\r\n" + field(b"data", b"{}")), id="no colon"),
        pytest.param(raw(b"X-A: 1\r\n" * 8 + field(b"data", b"{}")), id="nine headers"),
        pytest.param(raw(file(b"signature", b"x", b"y" * 4200)), id="header line too long"),
        pytest.param(raw(b"Content-Disposition: form-data; name=a" + b"x" * 40000), id="endless"),
        pytest.param(raw(field(b"data", b"{}"), field(b"other", b"1")), id="two fields"),
        pytest.param(raw(*(file(b"f%d" % i, b"x") for i in range(5))), id="five files"),
        pytest.param(raw(field(b"data", b"x" * (DATA_PART_LIMIT + 1))), id="field too large"),
    ],
)
def test_what_breaks_the_grammar_or_a_limit_is_malformed(body: bytes) -> None:
    limits = Limits(files=4, fields=1, field_bytes=DATA_PART_LIMIT)
    with pytest.raises(Malformed):
        parts(body, B, limits)


def test_starlette_refused_the_same_limits() -> None:
    """The limits above are the ones Starlette enforced with the same settings."""
    for body in (raw(*(file(b"f%d" % i, b"x") for i in range(5))),
                 raw(file(b"signature", b"x", b"y" * 4200))):  # fmt: skip
        with pytest.raises(MultiPartException):
            starlettes(body, "multipart/form-data; boundary=frontera", max_files=4, max_fields=1)


def test_leading_blank_lines_an_epilogue_and_an_image_at_its_limit_pass() -> None:
    limits = Limits(files=4, fields=1, field_bytes=DATA_PART_LIMIT)
    body = b"\r\n\r\n" + raw(field(b"data", b"x" * DATA_PART_LIMIT), file(b"a", b"")) + b"epilogo"
    found = parts(body, B, limits)
    assert found == [Part("data", None, b"x" * DATA_PART_LIMIT), Part("a", "x.jpg", b"")]


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary="
     + "b" * 257],
)  # fmt: skip
def test_a_missing_or_overlong_boundary_is_malformed(content_type: str) -> None:
    with pytest.raises(Malformed):
        boundary_of(content_type)


def test_a_quoted_boundary_and_utf8_file_names_are_read() -> None:
    assert boundary_of('multipart/form-data; boundary="a b"; charset=utf-8') == b"a b"
    body = raw(file(b"credential_front", b"x", "ñandú.jpg".encode()))
    assert parts(body, B, LOOSE)[0].filename == "ñandú.jpg"


def request_of(body: bytes) -> Request:
    sent = iter([body])

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": next(sent, b""), "more_body": False}

    headers = [(b"content-type", b"multipart/form-data; boundary=" + B)]
    return Request({"type": "http", "method": "POST", "headers": headers}, receive)


def refusal(body: bytes) -> tuple[int, str]:
    with pytest.raises(Refused) as refused:
        asyncio.run(read_support(request_of(body), 10 * 1024 * 1024))
    return refused.value.status, refused.value.code


def test_the_api_refuses_a_repeated_part_a_data_file_and_data_not_in_utf8() -> None:
    data = json.dumps(support_data(citizen(1), "gub-son-2027", "asp-01")).encode()
    front = file(b"credential_front", image("JPEG"))
    assert refusal(raw(field(b"data", data), front, front)) == (400, "invalid_multipart")
    assert refusal(raw(file(b"data", data), front)) == (422, "validation_error")
    latin = data.replace(b'"consent"', '"ñ": "ñ", "consent"'.encode("latin-1"))
    assert refusal(raw(field(b"data", latin), front)) == (422, "validation_error")
    assert refusal(raw(field(b"data", data), field(b"credential_back", b"x"))) == (
        400,
        "invalid_multipart",
    )
    assert refusal(raw(field(b"data", data), file(b"selfie.", b"x"))) == (422, "unexpected_part")
