"""PostgreSQL grants, auxiliaries and certificates (schema `capture`)."""

import json
from datetime import datetime
from typing import Any

import asyncpg

from apoyo_capture.auxiliaries import Auxiliary, AuxiliaryCount, AuxiliaryForm
from apoyo_capture.certificate import Submission
from apoyo_capture.grants import Grant, GrantKind
from apoyo_capture.ports import AuxiliaryTaken
from apoyo_common.keyring import Keyring
from apoyo_common.keyring.documents import (
    open_bytes,
    open_json,
    open_text,
    seal_bytes,
    seal_json,
    seal_text,
)
from apoyo_common.messages import EmailCodeRequested, InvitationCreated, SupportCaptured
from apoyo_common.outbox import enqueue, sealed_payload
from apoyo_common.publishing import encode
from apoyo_common.settings import Settings
from apoyo_common.topics import citizen_key


def event_context(support_id: str) -> str:
    return f"support/{support_id}/event"


def submission_context(support_id: str) -> str:
    return f"support/{support_id}/submission"


def _certificate_context(support_id: str) -> str:
    return f"support/{support_id}/certificate"


_GRANT_COLUMNS = (
    "grant_id, kind, process_id, aspirant_id, email, created_at, expires_at, token_sha256, "
    "code_hmac, attempts, opened_at, email_verified_at, spent_at, support_id"
)
_AUXILIARY_COLUMNS = (
    "auxiliary_id, process_id, aspirant_id, form, registered_by, registered_at, revoked_at"
)
_COUNTS = (
    "WITH c AS (SELECT captured_by, sum(supports)::bigint AS n, "
    "sum(rejected)::bigint AS rejected, sum(decided)::bigint AS decided "
    "FROM capture.captured_counts "
    "WHERE process_id = $1 AND aspirant_id = $2 GROUP BY captured_by), "
    f"a AS (SELECT 'aux:' || auxiliary_id AS captured_by, {_AUXILIARY_COLUMNS} "
    "FROM capture.auxiliaries WHERE process_id = $1 AND aspirant_id = $2) "
    "SELECT captured_by, coalesce(c.n, 0) AS n, coalesce(c.rejected, 0) AS rejected, "
    "coalesce(c.decided, 0) AS decided, "
    + ", ".join(f"a.{name}" for name in _AUXILIARY_COLUMNS.split(", "))
    + " FROM c FULL JOIN a USING (captured_by) ORDER BY captured_by"
)


def _email_context(grant_id: str) -> str:
    return f"grant/{grant_id}/email"


async def _grant(keyring: Keyring, row: asyncpg.Record) -> Grant:
    email = await open_text(keyring, _email_context(row["grant_id"]), row["email"])
    return Grant(**{**dict(row), "kind": GrantKind(row["kind"]), "email": email})


def _form_context(auxiliary_id: str) -> str:
    return f"auxiliary/{auxiliary_id}/form"


# A row from before the keyed hash: its clave is plain, so the new index cannot see it.
_LEGACY_TAKEN = (
    "SELECT 1 FROM capture.auxiliaries WHERE process_id = $1 AND clave_elector = $2 "
    "AND revoked_at IS NULL"
)
_DEVELOPMENT_SECRET = Settings.model_fields["citizen_key_secret"].default.get_secret_value()


def clave_key(secret: bytes, process_id: str, clave_elector: str) -> str:
    """The keyed hash that stands for an auxiliary's clave (never equal to a citizen key)."""
    return citizen_key(secret, process_id, f"auxiliary\x1f{clave_elector.upper()}")


async def _auxiliary(keyring: Keyring, row: asyncpg.Record | dict[str, Any]) -> Auxiliary:
    values = {name: row[name] for name in _AUXILIARY_COLUMNS.split(", ")}
    form = await open_json(keyring, _form_context(row["auxiliary_id"]), row["form"])
    return Auxiliary(**{**values, "form": AuxiliaryForm.model_validate(form)})


class PgChannels:
    def __init__(
        self,
        pool: asyncpg.Pool,
        keyring: Keyring | None = None,
        clave_secret: bytes | None = None,
    ) -> None:
        self.pool = pool
        self.keyring = keyring or Keyring.off()  # personal fields sealed (docs/security.md)
        # The HMAC key of the auxiliaries' claves: the deployment's citizen-key secret.
        self.clave_secret = clave_secret or _DEVELOPMENT_SECRET.encode()

    async def add_grant(self, grant: Grant, mail: InvitationCreated | EmailCodeRequested) -> None:
        pid, key = grant.process_id, grant.grant_id.encode()
        email = await seal_text(self.keyring, pid, _email_context(grant.grant_id), grant.email)
        payload = await sealed_payload(self.keyring, pid, mail.topic, key, encode(mail))
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                f"INSERT INTO capture.grants ({_GRANT_COLUMNS}) VALUES "
                "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                *(getattr(grant, n) for n in _GRANT_COLUMNS.split(", ")[:4]),
                email,
                *(getattr(grant, n) for n in _GRANT_COLUMNS.split(", ")[5:]),
            )
            await enqueue(conn, "capture.outbox", mail.topic, key, payload)

    async def grant(self, grant_id: str) -> Grant | None:
        sql = f"SELECT {_GRANT_COLUMNS} FROM capture.grants WHERE grant_id = $1"
        row = await self.pool.fetchrow(sql, grant_id)
        return None if row is None else await _grant(self.keyring, row)

    async def invitations(self, process_id: str, aspirant_id: str) -> list[Grant]:
        rows = await self.pool.fetch(
            f"SELECT {_GRANT_COLUMNS} FROM capture.grants WHERE process_id = $1 "
            "AND aspirant_id = $2 AND kind = $3 ORDER BY created_at, grant_id",
            process_id,
            aspirant_id,
            GrantKind.INVITACION.value,
        )
        return [await _grant(self.keyring, r) for r in rows]

    async def mark_opened(self, grant_id: str, at: datetime) -> None:
        await self.pool.execute(
            "UPDATE capture.grants SET opened_at = $2 WHERE grant_id = $1 AND opened_at IS NULL",
            grant_id,
            at,
        )

    async def count_attempt(self, grant_id: str) -> None:
        sql = "UPDATE capture.grants SET attempts = attempts + 1 WHERE grant_id = $1"
        await self.pool.execute(sql, grant_id)

    async def verify_email(
        self, grant_id: str, at: datetime, token_sha256: str, expires_at: datetime
    ) -> bool:
        status = await self.pool.execute(
            "UPDATE capture.grants SET email_verified_at = $2, token_sha256 = $3, "
            "expires_at = $4 WHERE grant_id = $1 AND email_verified_at IS NULL",
            grant_id,
            at,
            token_sha256,
            expires_at,
        )
        return bool(status == "UPDATE 1")

    async def add_auxiliary(self, auxiliary: Auxiliary) -> None:
        pid, clave = auxiliary.process_id, auxiliary.form.clave_elector.upper()
        form = json.loads(auxiliary.form.model_dump_json())
        sealed = await seal_json(self.keyring, pid, _form_context(auxiliary.auxiliary_id), form)
        async with self.pool.acquire() as conn, conn.transaction():
            if await conn.fetchval(_LEGACY_TAKEN, pid, clave):
                raise AuxiliaryTaken(auxiliary.auxiliary_id)
            try:
                await conn.execute(
                    f"INSERT INTO capture.auxiliaries ({_AUXILIARY_COLUMNS}, clave_key) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    auxiliary.auxiliary_id,
                    pid,
                    auxiliary.aspirant_id,
                    sealed,
                    auxiliary.registered_by,
                    auxiliary.registered_at,
                    auxiliary.revoked_at,
                    clave_key(self.clave_secret, pid, clave),
                )
            except asyncpg.UniqueViolationError:
                raise AuxiliaryTaken(auxiliary.auxiliary_id) from None

    async def auxiliary(self, auxiliary_id: str) -> Auxiliary | None:
        sql = f"SELECT {_AUXILIARY_COLUMNS} FROM capture.auxiliaries WHERE auxiliary_id = $1"
        row = await self.pool.fetchrow(sql, auxiliary_id)
        return None if row is None else await _auxiliary(self.keyring, row)

    async def revoke_auxiliary(self, auxiliary_id: str, at: datetime) -> Auxiliary | None:
        await self.pool.execute(
            "UPDATE capture.auxiliaries SET revoked_at = $2 "
            "WHERE auxiliary_id = $1 AND revoked_at IS NULL",
            auxiliary_id,
            at,
        )
        return await self.auxiliary(auxiliary_id)

    async def auxiliary_counts(self, process_id: str, aspirant_id: str) -> list[AuxiliaryCount]:
        rows = await self.pool.fetch(_COUNTS, process_id, aspirant_id)
        return [
            AuxiliaryCount(
                r["captured_by"],
                int(r["n"]),
                None if r["auxiliary_id"] is None else await _auxiliary(self.keyring, r),
                int(r["rejected"]),
                int(r["decided"]),
            )
            for r in rows
        ]

    async def certificate_facts(
        self, support_id: str
    ) -> tuple[SupportCaptured, Submission, Grant | None] | None:
        row = await self.pool.fetchrow(
            "SELECT event, submission FROM capture.supports WHERE support_id = $1", support_id
        )
        if row is None:
            return None
        submission = Submission(
            **await open_json(self.keyring, submission_context(support_id), row["submission"])
        )
        grant = await self.grant(submission.grant_id) if submission.grant_id else None
        event = await open_json(self.keyring, event_context(support_id), row["event"])
        return SupportCaptured.model_validate(event), submission, grant

    async def certificate(self, support_id: str) -> bytes | None:
        sql = "SELECT document FROM capture.certificates WHERE support_id = $1"
        found = await self.pool.fetchval(sql, support_id)
        context = _certificate_context(support_id)
        return None if found is None else await open_bytes(self.keyring, context, bytes(found))

    async def sealed_certificate(self, event: SupportCaptured, document: bytes) -> bytes:
        """The certificate as its row holds it: it names the address and the client's IP."""
        context = _certificate_context(event.support_id)
        return await seal_bytes(self.keyring, event.process_id, context, document)

    async def save_certificate(self, support_id: str, document: bytes) -> bytes:
        # The certificate names the address and the client's IP: sealed like the event.
        process_id = await self.pool.fetchval(
            "SELECT process_id FROM capture.supports WHERE support_id = $1", support_id
        )
        context = _certificate_context(support_id)
        await self.pool.execute(
            "INSERT INTO capture.certificates (support_id, document) VALUES ($1, $2) "
            "ON CONFLICT (support_id) DO NOTHING",
            support_id,
            await seal_bytes(self.keyring, process_id, context, document),
        )
        stored = await self.certificate(support_id)
        assert stored is not None
        return stored
