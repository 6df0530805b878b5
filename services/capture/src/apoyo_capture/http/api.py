"""Routes of the capture HTTP API (interfaces.md §5): thin, each a call into the service."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel
from starlette.responses import JSONResponse

from apoyo_capture.http.uploads import read_support
from apoyo_capture.service import CaptureService, Refused
from apoyo_common.tokens import InvalidToken, Principal, verify

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


def router(service: CaptureService, token_secret: str, max_image_bytes: int) -> APIRouter:
    api = APIRouter(prefix="/v1")

    def principal(authorization: Annotated[str | None, Header()] = None) -> Principal:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Refused(401, "unauthorized", "falta el token Bearer")
        try:
            return verify(token_secret, token.strip())
        except InvalidToken:
            raise Refused(401, "unauthorized", "token inválido o vencido") from None

    @api.post("/supports", status_code=202, response_model=Accepted, openapi_extra=_SUPPORT_BODY)
    async def post_support(
        request: Request,
        who: Annotated[Principal, Depends(principal)],
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> JSONResponse:
        if not idempotency_key:
            raise Refused(400, "idempotency_key_required", "falta el encabezado Idempotency-Key")
        data, files = await read_support(request, max_image_bytes)
        answer = await service.accept(who, idempotency_key, data, files)
        body = Accepted(
            support_id=answer.support_id, status="RECIBIDO", received_at=answer.received_at
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=202)

    @api.get("/supports/{support_id}", response_model=SupportOut)
    async def get_support(
        support_id: str, who: Annotated[Principal, Depends(principal)]
    ) -> SupportOut:
        view = await service.view(who, support_id)
        return SupportOut(**{**view.__dict__, "reasons": list(view.reasons)})

    return api
