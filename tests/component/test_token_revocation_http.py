"""Revocation over HTTP (docs/security.md, "Tokens"): a revoked auxiliary's next capture is
refused once the list is older than its max age (here a tenth of a second; a minute at most in
any deployment), and a revoked institute token stops at the next reading of the list."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from apoyo.client import post_support, support_data, support_files
from apoyo_common.codes import Role
from apoyo_common.revocation import Revocation, RevocationList
from apoyo_common.revocation.postgres import PgRevoked
from apoyo_common.tokens import Principal, issue, verify
from tests.component.all_units import all_units
from tests.factories import NOW, citizen, process

pytestmark = pytest.mark.component
SECRET = "revocation-http-secret-of-32-bytes!!"
P, A = "gub-son-2027", "asp-01"
AT = datetime(2026, 12, 20, tzinfo=UTC)


async def test_a_revoked_auxiliary_cannot_capture_and_a_revoked_token_cannot_read(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    aux = issue(SECRET, Principal(Role.AUXILIARY, "auxiliary:fura-7", P, A), timedelta(hours=1))
    ople = issue(SECRET, Principal(Role.OPLE, "ople:revocada"), timedelta(hours=1))
    async with all_units(
        pool, tmp_path / "objects", SECRET, token_revocation_max_age_s=0.1, rate_token_per_s=0.0
    ) as served:
        await served.exposed("capture", "repository").save_process(process())
        people = [citizen(i) for i in range(3)]
        answers = []
        for i, person in enumerate(people):
            if i == 1:
                store = PgRevoked(pool)
                await store.add(Revocation("subject", "auxiliary:fura-7", AT, "operador:prueba"))
                await asyncio.sleep(0.15)  # the list each service holds is now too old
            files = await asyncio.to_thread(support_files, person)
            data = support_data(person, P, A) | {"captured_at": NOW.isoformat()}
            posted = await post_support(served.client, aux, f"k-{i}", data, files)
            answers.append((posted.status, posted.body.get("error")))
        assert answers[0][0] == 202, answers
        # At capture the list is read again (token_revoked); after that, the token is refused
        # by every route before anything else (unauthorized).
        assert [a[:2] for a in answers[1:]] == [(401, "token_revoked"), (401, "unauthorized")]
        progress = f"/v1/processes/{P}/aspirants/{A}/progress"
        headers = {"Authorization": f"Bearer {ople}"}
        assert (await served.client.get(progress, headers=headers)).status_code != 401
        jti = verify(SECRET, ople).token_id
        assert jti is not None
        await PgRevoked(pool).add(Revocation("jti", jti, AT, "operador:prueba"))
        revocations = served.exposed("verification", "revocations")
        assert isinstance(revocations, RevocationList)
        await revocations.refresh()  # what its background task does every max_age / 2
        refused = await served.client.get(progress, headers=headers)
        assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
