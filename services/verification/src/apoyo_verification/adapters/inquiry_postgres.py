"""PostgreSQL inquiry book (schema `verification`): supports by citizen key (the index of the
duplicates rule), the processes, and the one-time codes with their mail in the outbox."""

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from apoyo_common.codes import Status
from apoyo_common.keyring import Keyring
from apoyo_common.messages import EmailCodeRequested
from apoyo_common.outbox import enqueue, sealed_payload
from apoyo_common.processes import ProcessDefinition
from apoyo_common.publishing import encode
from apoyo_verification.adapters.book_postgres import OUTBOX
from apoyo_verification.adapters.sealing import opened_email
from apoyo_verification.inquiry.domain import LookupCode, Registered
from apoyo_verification.recording import CitizenKey

_REGISTERED = """
SELECT s.support_id, s.process_id, s.aspirant_id, s.status, s.received_at,
       s.output->>'channel' AS channel, s.output->'email' AS email
FROM verification.supports s
JOIN unnest($1::text[], $2::text[]) AS k (process_id, citizen_key) USING (process_id, citizen_key)
ORDER BY s.received_at, s.support_id
"""
_ADD = (
    "INSERT INTO verification.inquiry_codes (request_id, clave_hmac, code_hmac, created_at, "
    "expires_at) VALUES ($1, $2, $3, $4, $5)"
)
_LATEST = (
    "SELECT * FROM verification.inquiry_codes WHERE clave_hmac = $1 "
    "ORDER BY created_at DESC LIMIT 1"
)


class PgInquiryBook:
    def __init__(self, pool: asyncpg.Pool, keyring: Keyring | None = None) -> None:
        self.pool = pool
        self.keyring = keyring or Keyring.off()  # the e-mail sealed (docs/security.md)

    async def processes(self) -> list[ProcessDefinition]:
        rows = await self.pool.fetch("SELECT definition FROM verification.processes")
        return [ProcessDefinition.model_validate(r["definition"]) for r in rows]

    async def registered(self, citizens: Sequence[CitizenKey]) -> list[Registered]:
        rows = await self.pool.fetch(
            _REGISTERED, [p for p, _ in citizens], [k for _, k in citizens]
        )
        return [
            Registered(
                r["support_id"],
                r["process_id"],
                r["aspirant_id"],
                r["channel"],
                Status(r["status"]),
                r["received_at"],
                await opened_email(self.keyring, r["support_id"], r["email"]),
            )
            for r in rows
        ]

    async def add_code(self, code: LookupCode, mail: EmailCodeRequested) -> None:
        key = code.request_id.encode()
        payload = await sealed_payload(self.keyring, mail.process_id, mail.topic, key, encode(mail))
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                _ADD, code.request_id, code.clave_hmac, code.code_hmac, code.created_at,
                code.expires_at,
            )  # fmt: skip
            await enqueue(conn, OUTBOX, mail.topic, key, payload)

    async def latest_code(self, clave_hmac: str) -> LookupCode | None:
        row = await self.pool.fetchrow(_LATEST, clave_hmac)
        return None if row is None else LookupCode(**dict(row))

    async def count_attempt(self, request_id: str) -> None:
        await self.pool.execute(
            "UPDATE verification.inquiry_codes SET attempts = attempts + 1 WHERE request_id = $1",
            request_id,
        )

    async def spend(self, request_id: str, at: datetime) -> bool:
        done = await self.pool.execute(
            "UPDATE verification.inquiry_codes SET spent_at = $2 "
            "WHERE request_id = $1 AND spent_at IS NULL",
            request_id, at,
        )  # fmt: skip
        return bool(done == "UPDATE 1")
