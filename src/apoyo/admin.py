"""Administrative commands against a deployment (environment) or an embedded DATA dir."""

from pathlib import Path

from apoyo.embedded import embedded_settings, start_postgres
from apoyo_capture.adapters.postgres import PgCaptureRepository
from apoyo_common.codes import Role
from apoyo_common.db import create_pool, migrate
from apoyo_common.processes import ProcessDefinition
from apoyo_common.settings import Settings
from apoyo_common.token_keys import token_keys
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


def scope_problem(role: Role, process_id: str | None, aspirant_id: str | None) -> str | None:
    """Why a token of this role needs more claims (docs/security.md, "Roles"); None if fine.
    An aspirant's token reaches nothing without its process; a capturing role's token must
    say which process it captures for."""
    if role is Role.ASPIRANT and not (process_id and aspirant_id):
        return "an aspirant token needs --process and --aspirant"
    if role in (Role.AUXILIARY, Role.CITIZEN) and not process_id:
        return f"a {role.value} token needs --process"
    return None


def issue_token(
    settings: Settings,
    role: Role,
    process_id: str | None,
    aspirant_id: str | None,
    ttl: str,
    subject: str | None = None,
) -> str:
    problem = scope_problem(role, process_id, aspirant_id)
    if problem is not None:
        raise ValueError(problem)
    principal = Principal(
        role=role,
        subject=subject or f"{role.value}:{aspirant_id or process_id or 'any'}",
        process_id=process_id,
        aspirant_id=aspirant_id,
    )
    return issue(token_keys(settings), principal, parse_ttl(ttl))
