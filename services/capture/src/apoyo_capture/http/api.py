"""Routes of the capture HTTP API for supports (interfaces.md §5): thin, each a service call."""

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel
from starlette.responses import JSONResponse, Response

from apoyo_capture.http.certificate_pdf import render_pdf
from apoyo_capture.http.deps import CaptureApi
from apoyo_capture.http.uploads import read_support
from apoyo_capture.service import Caller, Refused
from apoyo_common.access.entries import Purpose, Read

_SUPPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["data", "credential_front", "credential_back", "signature"],
                    "properties": {
                        "data": {
                            "type": "string",
                            "description": "JSON of the support form (interfaces.md §5)",
                        },
                        "credential_front": {"type": "string", "format": "binary"},
                        "credential_back": {"type": "string", "format": "binary"},
                        "signature": {"type": "string", "format": "binary"},
                        "selfie": {"type": "string", "format": "binary"},
                    },
                }
            }
        },
    },
}


class Accepted(BaseModel):
    support_id: str
    status: str
    received_at: datetime


class SupportOut(BaseModel):
    support_id: str
    process_id: str
    aspirant_id: str
    channel: str
    status: str
    reasons: list[str]
    received_at: datetime
    updated_at: datetime


def router(api: CaptureApi) -> APIRouter:
    routes = APIRouter(prefix="/v1", dependencies=[Depends(api.limits.ip)])

    @routes.post("/supports", status_code=202, response_model=Accepted, openapi_extra=_SUPPORT_BODY)
    async def post_support(
        request: Request,
        who: Annotated[Caller, Depends(api.capturer)],
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> JSONResponse:
        api.limits.key("token:" + who.principal.subject)
        if not idempotency_key:
            raise Refused(400, "idempotency_key_required", "falta el encabezado Idempotency-Key")
        data, files = await read_support(request, api.max_image_bytes, api.max_image_pixels)
        answer = await api.capture.accept(who, idempotency_key, data, files)
        body = Accepted(
            support_id=answer.support_id, status="RECIBIDO", received_at=answer.received_at
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=202)

    @routes.get("/supports/{support_id}", response_model=SupportOut)
    async def get_support(
        support_id: str, who: Annotated[Caller, Depends(api.caller)]
    ) -> SupportOut:
        view = await api.capture.view(who.principal, support_id)
        scope = {"process_id": view.process_id, "aspirant_id": view.aspirant_id}
        await api.access.record(
            Read.by(who.principal, Purpose.SEGUIMIENTO, "support", support_id, **scope)
        )
        return SupportOut(**{**view.__dict__, "reasons": list(view.reasons)})

    @routes.get("/supports/{support_id}/certificate", response_class=Response)
    async def get_certificate(
        support_id: str,
        who: Annotated[Caller, Depends(api.caller)],
        accept: Annotated[str | None, Header()] = None,
    ) -> Response:
        document = await api.certificates.document(who.principal, support_id)
        await api.access.record(
            Read.by(who.principal, Purpose.CERTIFICADO, "certificate", support_id)
        )
        if "application/pdf" in (accept or ""):
            pdf = await asyncio.to_thread(render_pdf, document)  # drawing is CPU work
            return Response(pdf, media_type="application/pdf")
        return Response(document, media_type="application/json")

    @routes.get("/certificates/public-key.pem", response_class=Response)
    async def certificate_key() -> Response:
        return Response(api.certificates.public_key_pem(), media_type="application/x-pem-file")

    return routes
