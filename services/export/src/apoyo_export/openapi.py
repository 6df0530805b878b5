"""Export's routes as /openapi.json shows them (apoyo_common.openapi); the models describe the
bodies http.py builds (`job_json`)."""

from pydantic import BaseModel, Field

from apoyo_common.openapi import Api, answer, operation, parameter


class ExportIn(BaseModel):
    process_id: str = Field(min_length=1)
    aspirant_id: str = Field(min_length=1)


class ExportAccepted(BaseModel):
    export_id: str
    status: str


class ExportJob(BaseModel):
    export_id: str
    status: str
    process_id: str
    aspirant_id: str
    created_at: str
    finished_at: str | None
    attempts: int
    supports: int | None
    chain_head: str | None
    package_sha256: str | None
    package_bytes: int | None
    error: str | None


class ExportList(BaseModel):
    exports: list[ExportJob]


def export_api() -> Api:
    one = [parameter("export_id")]
    paths = {
        "/v1/exports": {"post": operation(
            "Pedir el paquete de un aspirante (rol ople)",
            {202: answer("Pedido", ExportAccepted)}, body=ExportIn, tag="exportación",
        ), "get": operation(
            "La exportación más reciente de cada aspirante de un proceso",
            {200: answer("Las exportaciones", ExportList)},
            params=[{**parameter("process_id", "query"), "required": True}], tag="exportación",
        )},
        "/v1/exports/{export_id}": {"get": operation(
            "Estado de una exportación", {200: answer("La exportación", ExportJob)},
            params=one, tag="exportación",
        )},
        "/v1/exports/{export_id}/package": {"get": operation(
            "Descargar el paquete", {200: answer("El paquete ZIP", media="application/zip")},
            params=one, tag="exportación",
        )},
    }  # fmt: skip
    return Api(paths, [ExportIn, ExportAccepted, ExportJob, ExportList])
