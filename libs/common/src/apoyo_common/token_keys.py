"""Where the token keyring comes from (docs/security.md, "Tokens"), and its file's upkeep.

In order: a JSON file (`APOYO_TOKEN_KEYS_FILE`; the embedded default keeps
`DATA/token-keys.json`), the same JSON in `APOYO_TOKEN_KEYS` (a secret in the orchestrator),
else `APOYO_TOKEN_SECRET` alone as key `k1`. The JSON is
`{"current": "k2", "keys": {"k1": "...", "k2": "..."}}`. Services read it at start.
"""

import json
import os
import re
import secrets
from pathlib import Path

import asyncpg

from apoyo_common.keyfiles import create_once
from apoyo_common.revocation import RevocationList
from apoyo_common.revocation.postgres import PgRevoked
from apoyo_common.settings import Settings
from apoyo_common.tokens import KEY_ID, TokenKeys

KID = re.compile(r"^k(\d+)$")


def parse_keys(text: str) -> TokenKeys:
    data = json.loads(text)
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise ValueError('token keys: expected {"current": ID, "keys": {ID: SECRET}}')
    return TokenKeys(str(data.get("current")), {str(k): v for k, v in keys.items()})


def token_keys(settings: Settings) -> TokenKeys:
    if settings.token_keys_file is not None:
        return parse_keys(settings.token_keys_file.read_text(encoding="utf-8"))
    if settings.token_keys is not None:
        return parse_keys(settings.token_keys.get_secret_value())
    return TokenKeys.single(settings.token_secret.get_secret_value())


def checked_keys(settings: Settings, pool: asyncpg.Pool) -> tuple[TokenKeys, RevocationList]:
    """The keyring that also refuses revoked tokens, and the list to keep fresh (a unit task:
    `refresh_forever`)."""
    revocations = RevocationList(PgRevoked(pool), settings.token_revocation_max_age_s)
    return token_keys(settings).revoking(revocations.is_revoked), revocations


def _body(ring: TokenKeys) -> str:
    return json.dumps({"current": ring.current, "keys": dict(ring.keys)}, indent=1)


def write_keys(path: Path, ring: TokenKeys) -> None:
    """Replaced whole (write, then rename), readable by its owner only."""
    body = _body(ring)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(body)
    partial.replace(path)


def ensure_key_file(path: Path, first_secret: str) -> None:
    """Made on first use with `first_secret` as `k1`, so tokens signed before still verify."""
    create_once(path, _body(TokenKeys.single(first_secret, KEY_ID)).encode())


def rotate(path: Path) -> str:
    """Adds a new key and makes it the one that signs; the earlier ones keep verifying."""
    ring = parse_keys(path.read_text(encoding="utf-8"))
    numbers = [int(m.group(1)) for k in ring.keys if (m := KID.match(k))]
    kid = f"k{max(numbers, default=0) + 1}"
    write_keys(path, TokenKeys(kid, {**ring.keys, kid: secrets.token_urlsafe(32)}))
    return kid


def retire(path: Path, kid: str) -> None:
    """Removes a key: the tokens it signed stop verifying. The current key cannot be retired."""
    ring = parse_keys(path.read_text(encoding="utf-8"))
    if kid == ring.current:
        raise ValueError(f"{kid} signs new tokens: rotate before retiring it")
    if kid not in ring.keys:
        raise ValueError(f"no token key {kid}")
    write_keys(path, TokenKeys(ring.current, {k: v for k, v in ring.keys.items() if k != kid}))
