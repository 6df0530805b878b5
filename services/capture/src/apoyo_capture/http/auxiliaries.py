"""Routes of the auxiliaries register: register (FURA), list with counts, revoke."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from apoyo_capture.auxiliaries import Auxiliary, AuxiliaryForm
from apoyo_capture.http.deps import CaptureApi
from apoyo_capture.service import Caller
from apoyo_common.access.entries import Purpose, Read


def described(auxiliary: Auxiliary) -> dict[str, Any]:
    form = auxiliary.form
    return {
        "auxiliary_id": auxiliary.auxiliary_id,
        "nombre": form.nombre,
        "apellido_paterno": form.apellido_paterno,
        "apellido_materno": form.apellido_materno,
        "status": auxiliary.status,
        "registered_at": auxiliary.registered_at.isoformat(),
        "accepted_data_protection_at": auxiliary.registered_at.isoformat(),
        "revoked_at": auxiliary.revoked_at.isoformat() if auxiliary.revoked_at else None,
    }


def router(api: CaptureApi) -> APIRouter:
    routes = APIRouter(prefix="/v1", dependencies=[Depends(api.limits.ip)])
    path = "/processes/{process_id}/aspirants/{aspirant_id}/auxiliaries"

    @routes.post(path, status_code=201)
    async def register(
        process_id: str, aspirant_id: str, body: AuxiliaryForm,
        who: Annotated[Caller, Depends(api.for_aspirant)],
    ) -> dict[str, Any]:  # fmt: skip
        api.limits.key("token:" + who.principal.subject)
        done = await api.registry.register(who.principal, process_id, aspirant_id, body)
        return described(done.auxiliary) | {
            "token": done.token,
            "expires_at": done.expires_at.isoformat(),
        }

    @routes.get(path)
    async def listing(
        process_id: str, aspirant_id: str, who: Annotated[Caller, Depends(api.for_aspirant)]
    ) -> dict[str, Any]:
        counts = await api.registry.counts(who.principal, process_id, aspirant_id)
        scope = {"process_id": process_id, "aspirant_id": aspirant_id}
        await api.access.record(Read.by(who.principal, Purpose.SEGUIMIENTO, "auxiliaries", **scope))
        rows = [
            {
                "captured_by": c.captured_by,
                "supports": c.supports,
                "decided": c.decided,
                "rejected": c.rejected,
                "rejection_rate": c.rejection_rate,
            }
            | (described(c.auxiliary) if c.auxiliary else {"auxiliary_id": None})
            for c in counts
        ]
        return {"auxiliaries": rows, "supports": sum(c.supports for c in counts)}

    @routes.post("/auxiliaries/{auxiliary_id}/revoke")
    async def revoke(
        auxiliary_id: str, who: Annotated[Caller, Depends(api.caller)]
    ) -> dict[str, Any]:
        return described(await api.registry.revoke(who.principal, auxiliary_id))

    return routes
