"""Routes of the aspirant's portal over its supports: the list (filters, keyset pages), one
support with its typed data and evidence, and each image (docs/portals.md)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from apoyo_capture.http.deps import CaptureApi
from apoyo_capture.listing import ListedSupport, query_of
from apoyo_capture.records import SupportRecord
from apoyo_capture.service import Caller
from apoyo_common.access.entries import Purpose, Read
from apoyo_common.paging import PAGE_MAX

_LIST_PARAMS = [
    ("status", "código de resultado (EN_LISTA_NOMINAL, NO_ENCONTRADO, ...)"),
    ("reason", "código de motivo, p. ej. FOTOCOPIA"),
    ("channel", "AUXILIAR, AUTOSERVICIO o CEDULA_PAPEL"),
    ("captured_by", "sujeto que lo capturó, p. ej. aux:<auxiliary_id>"),
    ("since", "recibidos desde (fecha o fecha-hora ISO 8601)"),
    ("until", "recibidos antes de (fecha o fecha-hora ISO 8601)"),
    ("after", "cursor: el campo next de la página anterior"),
    ("limit", f"apoyos por página, 1 a {PAGE_MAX} (50 si falta)"),
]
_LIST_DOC: dict[str, Any] = {
    "parameters": [
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"},
         "description": text}
        for name, text in _LIST_PARAMS
    ]
}  # fmt: skip
_PRIVATE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def listed(support: ListedSupport) -> dict[str, Any]:
    return {
        "support_id": support.support_id,
        "channel": support.channel,
        "captured_by": support.captured_by,
        "status": support.status,
        "reasons": list(support.reasons),
        "received_at": support.received_at.isoformat(),
        "updated_at": support.updated_at.isoformat(),
    }


def detailed(record: SupportRecord) -> dict[str, Any]:
    view, captured = record.view, record.captured
    base = f"/v1/supports/{view.support_id}"
    return {
        "support_id": view.support_id,
        "process_id": view.process_id,
        "aspirant_id": view.aspirant_id,
        "channel": view.channel,
        "captured_by": captured.captured_by,
        "status": view.status,
        "reasons": list(view.reasons),
        "received_at": view.received_at.isoformat(),
        "updated_at": view.updated_at.isoformat(),
        "form": captured.form.model_dump(mode="json", exclude_none=True),
        "evidence": [
            {
                "kind": ref.kind.value,
                "content_type": ref.content_type,
                "bytes": ref.bytes,
                "sha256": ref.sha256,
                "url": f"{base}/evidence/{ref.kind.value}",
            }
            for ref in captured.evidence
        ],
        "certificate": f"{base}/certificate",
    }


def router(api: CaptureApi) -> APIRouter:
    routes = APIRouter(prefix="/v1", dependencies=[Depends(api.limits.ip)])

    @routes.get("/processes/{process_id}/aspirants/{aspirant_id}/supports", openapi_extra=_LIST_DOC)
    async def listing(
        process_id: str, aspirant_id: str, request: Request,
        who: Annotated[Caller, Depends(api.for_aspirant)],
    ) -> dict[str, Any]:  # fmt: skip
        query = query_of(process_id, aspirant_id, request.query_params)
        found = await api.records.page(who.principal, query)
        ids = [s.support_id for s in found]
        scope = {"process_id": process_id, "aspirant_id": aspirant_id}
        read = Read.by(who.principal, Purpose.SEGUIMIENTO, "supports", *ids, **scope)
        await api.access.record(read)
        following = found[-1].cursor.encode() if len(found) == query.limit else None
        return {"supports": [listed(s) for s in found], "next": following}

    @routes.get("/supports/{support_id}/details")
    async def details(support_id: str, who: Annotated[Caller, Depends(api.caller)]) -> Any:
        found = await api.records.record(who.principal, support_id)
        read = Read.by(who.principal, Purpose.SEGUIMIENTO, "support_details", support_id)
        await api.access.record(read)
        return detailed(found)

    @routes.get("/supports/{support_id}/evidence/{kind}", response_class=Response)
    async def evidence(
        support_id: str, kind: str, who: Annotated[Caller, Depends(api.caller)]
    ) -> Response:
        data, media = await api.records.evidence(who.principal, support_id, kind)
        read = Read.by(who.principal, Purpose.SEGUIMIENTO, f"evidence/{kind}", support_id)
        await api.access.record(read)
        return Response(data, media_type=media, headers=_PRIVATE)

    return routes
