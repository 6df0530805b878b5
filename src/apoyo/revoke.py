"""`apoyo token revoke`: list a subject or one token as revoked in the deployment's database;
every service refuses it within `APOYO_TOKEN_REVOCATION_MAX_AGE_S` (docs/security.md)."""

import getpass
from datetime import UTC, datetime

from apoyo_common.db import create_pool
from apoyo_common.revocation import Kind, Revocation
from apoyo_common.revocation.postgres import PgRevoked
from apoyo_common.settings import Settings
from apoyo_common.token_keys import token_keys
from apoyo_common.tokens import InvalidToken, verify


def target_of(subject: str | None, jti: str | None, token: str | None, settings: Settings) -> (
    tuple[Kind, str]
):  # fmt: skip
    """What to revoke; ValueError unless exactly one is given (a token must be valid here)."""
    given = [v for v in (subject, jti, token) if v]
    if len(given) != 1:
        raise ValueError("give exactly one of --subject, --jti, --token")
    if subject:
        return "subject", subject
    if jti:
        return "jti", jti
    try:
        principal = verify(token_keys(settings), str(token))
    except InvalidToken:
        raise ValueError(
            "that token is not valid here (expired, or another deployment's)"
        ) from None
    if principal.token_id is None:
        raise ValueError("that token has no id: revoke its --subject")
    return "jti", principal.token_id


async def revoke(settings: Settings, kind: Kind, value: str, reason: str) -> bool:
    pool = await create_pool(settings.database_url, 2)
    try:
        store = PgRevoked(pool)
        await store.ensure_ready()
        by = f"operador:{getpass.getuser()}"
        return await store.add(Revocation(kind, value, datetime.now(UTC), by, reason))
    finally:
        await pool.close()
