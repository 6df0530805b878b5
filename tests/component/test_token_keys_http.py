"""The HTTP API on a rotated keyring: tokens of the current and of an earlier key pass, a
token of a key the keyring no longer holds is 401 (docs/security.md, "Tokens")."""

import json
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest

from apoyo_common.codes import Role
from apoyo_common.tokens import Principal, TokenKeys, issue
from tests.component.all_units import all_units

pytestmark = pytest.mark.component
SECRET = "token-keys-test-secret-of-32-bytes!!"
KEYS = {"k2": "second-key-of-the-deployment-32-b", "k3": "third-key-of-the-deployment-32-by"}
PATH = "/v1/exports/no-existe"  # ople only: 404 once the token passes


async def test_current_and_earlier_keys_pass_a_retired_one_does_not(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    ring = tmp_path / "token-keys.json"
    ring.write_text(json.dumps({"current": "k3", "keys": KEYS}))
    ople = Principal(Role.OPLE, "ople:llaves")

    def bearer(keys: TokenKeys | str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue(keys, ople, timedelta(minutes=5))}"}

    async with all_units(pool, tmp_path / "objects", SECRET, token_keys_file=ring) as served:
        for kid in ("k2", "k3"):
            answer = await served.client.get(PATH, headers=bearer(TokenKeys(kid, KEYS)))
            assert answer.status_code == 404, (kid, answer.text)
        retired = await served.client.get(PATH, headers=bearer(SECRET))  # k1: not in the ring
        assert retired.status_code == 401
        made = await served.client.post(
            "/v1/processes/gub-son-2027/aspirants/asp-01/auxiliaries",
            json={},
            headers=bearer(TokenKeys("k2", KEYS)),
        )
        assert made.status_code == 422  # past the token, refused for its empty body
