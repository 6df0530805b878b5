"""Administrative commands against a deployment (environment) or an embedded DATA dir."""

from pathlib import Path

from apoyo.embedded import embedded_settings, start_postgres
from apoyo_capture.adapters.postgres import PgCaptureRepository
from apoyo_common.codes import Role
from apoyo_common.db import create_pool, migrate
from apoyo_common.processes import ProcessDefinition
from apoyo_common.settings import Settings
from apoyo_common.tokens import Principal, issue, parse_ttl


def settings_for(data: Path | None) -> Settings:
    if data is None:
        return Settings()
    _, dsn = start_postgres(data.resolve())
    return embedded_settings(data.resolve(), dsn)


async def create_process(definition: ProcessDefinition, settings: Settings) -> None:
    pool = await create_pool(settings.database_url, 2)
    try:
        await migrate(pool, "capture", "apoyo_capture")
        await PgCaptureRepository(pool).save_process(definition)
    finally:
        await pool.close()


def issue_token(
    settings: Settings,
    role: Role,
    process_id: str | None,
    aspirant_id: str | None,
    ttl: str,
    subject: str | None = None,
) -> str:
    principal = Principal(
        role=role,
        subject=subject or f"{role.value}:{aspirant_id or process_id or 'any'}",
        process_id=process_id,
        aspirant_id=aspirant_id,
    )
    return issue(settings.token_secret.get_secret_value(), principal, parse_ttl(ttl))
