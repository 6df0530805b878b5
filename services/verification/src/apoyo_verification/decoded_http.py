"""What identity read from one support's credential (the `identity.decoded` verification keeps
with each outcome): the MRZ, the codes and the field checks, for the aspirant's portal.

Served to the institute and to that support's aspirant; any other token gets 403, as on
capture's routes for one support (the role matrix, docs/security.md).
"""

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from apoyo_common.access.entries import AccessLog, Purpose, Read
from apoyo_common.bearer import UNAUTHORIZED, caller, refusal
from apoyo_common.messages import IdentityDecoded
from apoyo_common.tokens import Keys
from apoyo_verification.desk.service import ReviewDesk
from apoyo_verification.progress import may_see

DECODED_PATH = "/v1/supports/{support_id}/decoded"
NOT_HERE = "no hay datos leídos de ese apoyo (no existe o aún no se verifica)"
NOT_YOURS = "solo el instituto o el aspirante de ese apoyo pueden verlo"


def decoded_json(decoded: IdentityDecoded) -> dict[str, Any]:
    return {
        "support_id": decoded.support_id,
        "decoded_at": decoded.decoded_at.isoformat(),
        "mrz": None if decoded.mrz is None else decoded.mrz.model_dump(mode="json"),
        "barcodes": [b.model_dump(mode="json") for b in decoded.barcodes],
        "checks": [c.model_dump(mode="json") for c in decoded.checks],
        "flags": list(decoded.flags),
    }


def decoded_route(desk: ReviewDesk, token_secret: Keys, access: AccessLog) -> Route:
    async def endpoint(request: Request) -> Response:
        principal = caller(request, token_secret)
        if principal is None:
            return refusal(*UNAUTHORIZED)
        support_id = request.path_params["support_id"]
        found = (await desk.store.inputs([support_id])).get(support_id)
        if found is None:
            return refusal(404, "not_found", NOT_HERE)
        if not may_see(principal, found.process_id, found.aspirant_id):
            return refusal(403, "forbidden", NOT_YOURS)
        scope = {"process_id": found.process_id, "aspirant_id": found.aspirant_id}
        await access.record(Read.by(principal, Purpose.SEGUIMIENTO, "decoded", support_id, **scope))
        return JSONResponse(decoded_json(found))

    return Route(DECODED_PATH, endpoint, methods=["GET"], name="support_decoded")
