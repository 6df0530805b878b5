"""Routes of the citizen channels: invitations, self-service codes, campaign link and QR,
and the consent text a front end shows."""

import io
from datetime import datetime
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from apoyo_capture.access import require_aspirant
from apoyo_capture.consent import CONSENT_VERSION, consent_sha256, consent_text
from apoyo_capture.grants import Grant
from apoyo_capture.http.deps import CaptureApi
from apoyo_capture.http.limits import hashed
from apoyo_capture.invitations import InvitationRequest, known_aspirant
from apoyo_capture.self_service import CodeCheck, CodeRequest
from apoyo_capture.service import Caller
from apoyo_common.access.entries import Purpose, Read


def described(grant: Grant, now: datetime) -> dict[str, Any]:
    def moment(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "invitation_id": grant.grant_id,
        "email": grant.email,
        "status": grant.status_at(now),
        "created_at": moment(grant.created_at),
        "opened_at": moment(grant.opened_at),
        "used_at": moment(grant.spent_at),
        "support_id": grant.support_id,
        "expires_at": moment(grant.expires_at),
    }


def router(api: CaptureApi) -> APIRouter:
    routes = APIRouter(prefix="/v1", dependencies=[Depends(api.limits.ip)])
    aspirant_path = "/processes/{process_id}/aspirants/{aspirant_id}"

    @routes.post("/invitations", status_code=201)
    async def invite(
        body: InvitationRequest, request: Request, who: Annotated[Caller, Depends(api.caller)]
    ) -> dict[str, Any]:
        api.limits.key("token:" + who.principal.subject)
        invited = await api.invitations.invite(who.principal, body, api.base_url(request))
        now = api.invitations.clock()
        return {
            "invitations": [
                described(one.grant, now) | ({"link": one.link} if api.echo_secrets else {})
                for one in invited
            ]
        }

    @routes.get(aspirant_path + "/invitations")
    async def invitations(
        process_id: str, aspirant_id: str, who: Annotated[Caller, Depends(api.for_aspirant)]
    ) -> dict[str, Any]:
        found = await api.invitations.listing(who.principal, process_id, aspirant_id)
        scope = {"process_id": process_id, "aspirant_id": aspirant_id}
        spent = (g.support_id for g in found if g.support_id)
        read = Read.by(who.principal, Purpose.SEGUIMIENTO, "invitations", *spent, **scope)
        await api.access.record(read)
        now = api.invitations.clock()
        return {"invitations": [described(grant, now) for grant in found]}

    @routes.post("/self-service/codes", status_code=202)
    async def request_code(body: CodeRequest) -> dict[str, Any]:
        api.limits.key(hashed("email", body.email))
        grant, code = await api.self_service.request_code(body)
        answer = {"request_id": grant.grant_id, "expires_at": grant.expires_at.isoformat()}
        return answer | ({"code": code} if api.echo_secrets else {})

    @routes.post("/self-service/tokens")
    async def verify_code(body: CodeCheck) -> dict[str, Any]:
        api.limits.key("code:" + body.request_id)
        issued = await api.self_service.verify_code(body)
        return {
            "token": issued.token,
            "token_type": "Bearer",
            "expires_at": issued.expires_at.isoformat(),
            "process_id": issued.process_id,
            "aspirant_id": issued.aspirant_id,
        }

    @routes.get(aspirant_path + "/campaign")
    async def campaign(
        process_id: str, aspirant_id: str, request: Request,
        who: Annotated[Caller, Depends(api.for_aspirant)],
    ) -> dict[str, str]:  # fmt: skip
        require_aspirant(who.principal, process_id, aspirant_id)
        await known_aspirant(api.capture.repository, process_id, aspirant_id)
        link = f"{api.base_url(request)}/c/{process_id}/{aspirant_id}"
        return {
            "link": link,
            "qr_png": f"/v1/processes/{process_id}/aspirants/{aspirant_id}/campaign.png",
        }

    @routes.get(aspirant_path + "/campaign.png", response_class=Response)
    async def campaign_qr(
        process_id: str, aspirant_id: str, request: Request,
        who: Annotated[Caller, Depends(api.for_aspirant)],
    ) -> Response:  # fmt: skip
        require_aspirant(who.principal, process_id, aspirant_id)
        await known_aspirant(api.capture.repository, process_id, aspirant_id)
        link = f"{api.base_url(request)}/c/{process_id}/{aspirant_id}"
        png = io.BytesIO()
        segno.make(link, error="m").save(png, kind="png", scale=10, border=4)
        return Response(png.getvalue(), media_type="image/png")

    @routes.get(aspirant_path + "/consent")
    async def consent(process_id: str, aspirant_id: str) -> dict[str, str]:
        process = await known_aspirant(api.capture.repository, process_id, aspirant_id)
        return {
            "version": CONSENT_VERSION,
            "text": consent_text(process, aspirant_id),
            "sha256": consent_sha256(process, aspirant_id),
        }

    return routes
