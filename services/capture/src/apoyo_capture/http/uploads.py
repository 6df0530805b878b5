"""Reading `POST /v1/supports`: limits first, then the parts (`multipart`), then the bytes of
each image."""

import asyncio
import json

from pydantic import ValidationError
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from apoyo_capture.domain import EvidenceFile, SupportRequest
from apoyo_capture.http.multipart import Limits, Malformed, Part, boundary_of, parts
from apoyo_capture.images import ImageProblem, decodes_whole, inspect_image
from apoyo_capture.refusals import Refused
from apoyo_common.codes import EvidenceKind

DATA_PART_LIMIT = 64 * 1024
MALFORMED = "el envío multipart no es válido: una parte o sus encabezados están mal formados"
FILE_PARTS = {kind.value: kind for kind in EvidenceKind}
_LIMITS = Limits(files=len(FILE_PARTS), fields=1, field_bytes=DATA_PART_LIMIT)


def body_limit(max_image_bytes: int) -> int:
    """The most a support can weigh: every image at the limit plus the form and framing."""
    return len(FILE_PARTS) * max_image_bytes + DATA_PART_LIMIT + 64 * 1024


class BodyLimit:
    """ASGI middleware: refuse a body over the limit by its Content-Length before reading it,
    and stop reading a body without one as soon as it passes the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await _too_large(send)
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise Refused(413, "payload_too_large", "el envío excede el tamaño máximo")
            return message

        await self.app(scope, counted, send)
        return None


async def _too_large(send: Send) -> None:
    body = json.dumps({"error": "payload_too_large", "detail": "el envío excede el tamaño máximo"})
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body.encode()})


async def read_support(
    request: Request, max_image_bytes: int, max_pixels: int = 40_000_000
) -> tuple[SupportRequest, list[EvidenceFile]]:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise Refused(415, "unsupported_media_type", "se espera multipart/form-data")
    # The whole body, within BodyLimit's bound: every image is checked and stored whole anyway.
    try:
        form = _form(parts(await request.body(), boundary_of(content_type), _LIMITS))
    except Malformed:
        raise Refused(400, "invalid_multipart", MALFORMED) from None
    unknown = sorted(set(form) - set(FILE_PARTS) - {"data"})
    if unknown:
        raise Refused(422, "unexpected_part", {"parts": unknown})
    request_data = _parse_data(form.get("data"))
    files = [
        await _read_image(kind, form[name], max_image_bytes, max_pixels)
        for name, kind in FILE_PARTS.items()
        if name in form
    ]
    return request_data, files


def _form(found: list[Part]) -> dict[str, Part]:
    """The parts by name; a name twice is a malformed form (which one would count?)."""
    form = {part.name: part for part in found}
    if len(form) < len(found):
        raise Malformed("a part name repeated")
    return form


def _parse_data(part: Part | None) -> SupportRequest:
    if part is None:
        raise Refused(422, "missing_field", "falta la parte 'data'")
    if part.filename is not None:
        raise Refused(422, "validation_error", "'data' debe ser un campo JSON, no un archivo")
    try:  # JSON is UTF-8 (RFC 8259): bytes that are not are a validation error
        return SupportRequest.model_validate_json(part.data)
    except ValidationError as error:
        fields = sorted({".".join(map(str, e["loc"])) or "data" for e in error.errors()})
        raise Refused(422, "validation_error", {"fields": fields}) from None


async def _read_image(kind: EvidenceKind, part: Part, limit: int, max_pixels: int) -> EvidenceFile:
    if part.filename is None:
        raise Refused(422, "validation_error", f"'{kind.value}' debe ser un archivo")
    data = part.data
    if len(data) > limit:
        raise Refused(413, "payload_too_large", f"'{kind.value}' excede {limit} bytes")
    if not data:
        raise Refused(422, "missing_file", f"'{kind.value}' está vacío")
    try:  # decoding is CPU work: off the event loop; reading a structure is not
        if decodes_whole(data):
            content_type, extension = await asyncio.to_thread(inspect_image, data, max_pixels)
        else:
            content_type, extension = inspect_image(data, max_pixels)
    except ImageProblem as problem:
        raise Refused.of(problem.code, {"part": kind.value, "problem": problem.code}) from None
    return EvidenceFile(kind=kind, data=data, content_type=content_type, extension=extension)
