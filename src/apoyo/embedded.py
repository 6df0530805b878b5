"""The embedded default: every service in one process, on an embedded PostgreSQL, FastStream's
in-memory broker and a local folder for objects, through the same handlers as production.

Everything lives in one data directory:
    DATA/postgres/   the embedded cluster         DATA/objects/   the evidence images
    DATA/secrets.json  token and citizen-key secrets, made on first use (mode 0600)
    DATA/token-keys.json  the token keyring (docs/security.md, "Tokens"), likewise; its
                     first key is the token secret of secrets.json
    DATA/signing-key.pem  the institute's Ed25519 key for certificates, made on first use (0600)
    DATA/institute-keys.json  the institute's key-encryption keys (docs/security.md), likewise
    DATA/mail/       every e-mail sent, as an .eml file (docs/notification.md)
"""

import asyncio
import json
import os
import secrets
from pathlib import Path

from faststream.kafka import KafkaBroker
from pydantic import SecretStr

from apoyo.memory_broker import in_memory
from apoyo.services import build_all
from apoyo_common.db import create_pool
from apoyo_common.embedded_postgres import EmbeddedPostgres
from apoyo_common.runtime import Infrastructure
from apoyo_common.server import build_app, serve
from apoyo_common.settings import Settings
from apoyo_common.storage import LocalFolderStore
from apoyo_common.token_keys import ensure_key_file


def data_secrets(data: Path) -> dict[str, str]:
    path = data / "secrets.json"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        values = {
            "token_secret": secrets.token_urlsafe(32),
            "citizen_key_secret": secrets.token_urlsafe(32),
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(values, handle)
    loaded: dict[str, str] = json.loads(path.read_text())
    return loaded


def start_postgres(data: Path) -> tuple[EmbeddedPostgres, str]:
    data.mkdir(parents=True, exist_ok=True)
    data.chmod(0o755)  # the unprivileged server user must reach its cluster below
    server = EmbeddedPostgres(data / "postgres")
    return server, server.start()


def token_keys_path(data: Path) -> Path:
    """DATA/token-keys.json, made on first use (`apoyo token rotate --data DATA` adds keys)."""
    path = data / "token-keys.json"
    ensure_key_file(path, data_secrets(data)["token_secret"])
    return path


def embedded_settings(data: Path, dsn: str, port: int = 8000) -> Settings:
    values = data_secrets(data)
    return Settings(
        database_url=dsn,
        storage="local",
        storage_dir=data / "objects",
        http_port=port,
        token_secret=SecretStr(values["token_secret"]),
        token_keys_file=token_keys_path(data),
        citizen_key_secret=SecretStr(values["citizen_key_secret"]),
        retry_base_delay_s=0.05,
        signing_key_file=data / "signing-key.pem",
        kek_file=data / "institute-keys.json",
        mail_sender="folder",
        mail_dir=data / "mail",
    )


async def serve_embedded(
    data: Path, host: str, port: int, stop: asyncio.Event | None = None, **overrides: object
) -> None:
    server, dsn = await asyncio.to_thread(start_postgres, data.resolve())
    try:
        settings = embedded_settings(data.resolve(), dsn, port).model_copy(update=overrides)
        pool = await create_pool(dsn, settings.db_pool_max)
        broker = KafkaBroker()  # never connects: in_memory() routes every publish
        infra = Infrastructure(settings, broker, pool, LocalFolderStore(settings.storage_dir))
        app = build_app(infra, build_all(infra), lambda: in_memory(broker), pool.close)
        await serve(app, host, port, stop)
    finally:
        await asyncio.to_thread(server.stop)
