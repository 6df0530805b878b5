"""Export's HTTP routes (interfaces.md §5): request a package, follow it, download it.
Only the institute (`ople`) may; the package streams from object storage."""

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from apoyo_common.access.entries import AccessLog, Purpose, Read
from apoyo_common.bearer import UNAUTHORIZED, caller, refusal
from apoyo_common.codes import Role
from apoyo_common.roles import institute_in
from apoyo_common.storage import ObjectStore
from apoyo_common.tokens import Keys, Principal
from apoyo_export.exporter import Exporter, UnknownTarget
from apoyo_export.ports import Job, JobStatus

FORBIDDEN = (403, "forbidden", "solo el instituto (rol ople) puede pedir paquetes de exportación")
NOT_FOUND = (404, "not_found", "no existe esa exportación")
OTHER_PROCESS = (403, "forbidden", "el token del instituto es de otro proceso")


def job_json(job: Job) -> dict[str, Any]:
    package = job.package
    return {
        "export_id": job.export_id,
        "status": job.status.value,
        "process_id": job.process_id,
        "aspirant_id": job.aspirant_id,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "attempts": job.attempts,
        "supports": package.supports if package else None,
        "chain_head": package.chain_head if package else None,
        "package_sha256": package.sha256 if package else None,
        "package_bytes": package.bytes if package else None,
        "error": job.error,
    }


async def target_of(request: Request) -> tuple[str, str] | Response:
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return refusal(400, "invalid_json", "el cuerpo no es JSON válido")
    fields = (body.get("process_id"), body.get("aspirant_id")) if isinstance(body, dict) else ()
    if len(fields) != 2 or not all(isinstance(f, str) and f for f in fields):
        return refusal(422, "invalid_request", "se requieren process_id y aspirant_id (texto)")
    return str(fields[0]), str(fields[1])


def download(store: ObjectStore, job: Job) -> Response:
    if job.status is not JobStatus.READY or job.package is None:
        return refusal(409, "not_ready", f"el paquete no está listo (estado {job.status.value})")
    name = f"apoyo-{job.process_id}-{job.aspirant_id}-{job.export_id}.zip"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Length": str(job.package.bytes),
        "ETag": f'"{job.package.sha256}"',
    }
    chunks = store.stream(job.package.key)
    return StreamingResponse(chunks, media_type="application/zip", headers=headers)


@dataclass(frozen=True)
class ExportApi:
    exporter: Exporter
    store: ObjectStore
    secret: Keys  # the token keyring (or one secret)
    access: AccessLog  # each package download is recorded here

    def institute(self, request: Request) -> Principal | Response:
        principal = caller(request, self.secret)
        if principal is None:
            return refusal(*UNAUTHORIZED)
        return principal if principal.role is Role.OPLE else refusal(*FORBIDDEN)

    async def create(self, request: Request) -> Response:
        principal = self.institute(request)
        if isinstance(principal, Response):
            return principal
        target = await target_of(request)
        if isinstance(target, Response):
            return target
        if not institute_in(principal, target[0]):
            return refusal(*OTHER_PROCESS)
        try:
            job = await self.exporter.request(*target, requested_by=principal.subject)
        except UnknownTarget as unknown:
            return refusal(422, unknown.code, unknown.detail)
        return JSONResponse({"export_id": job.export_id, "status": job.status.value}, 202)

    async def job(self, request: Request) -> tuple[Job, Principal] | Response:
        principal = self.institute(request)
        if isinstance(principal, Response):
            return principal
        job = await self.exporter.jobs.get(request.path_params["export_id"])
        if job is None:
            return refusal(*NOT_FOUND)
        return (
            (job, principal) if institute_in(principal, job.process_id) else refusal(*OTHER_PROCESS)
        )

    async def listing(self, request: Request) -> Response:
        """The newest job of each aspirant of a process (the institute's overview reads it)."""
        principal = self.institute(request)
        if isinstance(principal, Response):
            return principal
        process_id = request.query_params.get("process_id")
        if not process_id:
            return refusal(422, "invalid_request", "se requiere process_id")
        if not institute_in(principal, process_id):
            return refusal(*OTHER_PROCESS)
        jobs = await self.exporter.jobs.latest(process_id)
        return JSONResponse({"exports": [job_json(j) for j in jobs]})

    async def show(self, request: Request) -> Response:
        found = await self.job(request)
        return found if isinstance(found, Response) else JSONResponse(job_json(found[0]))

    async def package(self, request: Request) -> Response:
        found = await self.job(request)
        if isinstance(found, Response):
            return found
        job, principal = found
        answer = download(self.store, job)
        if answer.status_code == 200:  # the whole package: every support's data and images
            kind = f"export_package/{job.export_id}"
            scope = {"process_id": job.process_id, "aspirant_id": job.aspirant_id}
            await self.access.record(Read.by(principal, Purpose.EXPORTACION, kind, **scope))
        return answer

    def routes(self) -> list[Route]:
        return [
            Route("/v1/exports", self.create, methods=["POST"], name="export_create"),
            Route("/v1/exports", self.listing, methods=["GET"], name="export_list"),
            Route("/v1/exports/{export_id}", self.show, methods=["GET"], name="export_show"),
            Route(
                "/v1/exports/{export_id}/package", self.package, methods=["GET"],
                name="export_package",
            ),
        ]  # fmt: skip


def export_routes(
    exporter: Exporter, store: ObjectStore, secret: Keys, access: AccessLog
) -> list[Route]:
    return ExportApi(exporter, store, secret, access).routes()
