"""Route of the paper cédulas: a PDF of numbered sheets for an aspirant to print."""

import asyncio
import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from apoyo_capture.access import require_aspirant
from apoyo_capture.cedulas import MAX_SHEETS, Sheet
from apoyo_capture.consent import consent_text
from apoyo_capture.http.cedula_pdf import SheetHeader, render_pdf
from apoyo_capture.http.deps import CaptureApi
from apoyo_capture.invitations import aspirant_name, known_aspirant
from apoyo_capture.service import Caller


def router(api: CaptureApi) -> APIRouter:
    routes = APIRouter(prefix="/v1", dependencies=[Depends(api.limits.ip)])

    @routes.get("/processes/{process_id}/aspirants/{aspirant_id}/cedulas.pdf")
    async def cedulas(
        process_id: str,
        aspirant_id: str,
        who: Annotated[Caller, Depends(api.for_aspirant)],
        first: Annotated[int, Query(ge=1, le=10_000_000)] = 1,
        sheets: Annotated[int, Query(ge=1, le=MAX_SHEETS)] = 10,
    ) -> Response:
        require_aspirant(who.principal, process_id, aspirant_id)
        api.limits.key("token:" + who.principal.subject)
        process = await known_aspirant(api.capture.repository, process_id, aspirant_id)
        header = SheetHeader(
            process.name, aspirant_name(process, aspirant_id), consent_text(process, aspirant_id)
        )
        numbered = [Sheet(process_id, aspirant_id, n) for n in range(first, first + sheets)]
        pdf = await asyncio.to_thread(render_pdf, header, numbered)  # drawing is CPU work
        safe = re.sub(r"[^A-Za-z0-9_-]", "_", f"{process_id}-{aspirant_id}")
        name = f"cedulas-{safe}-{first}-{first + sheets - 1}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return routes
