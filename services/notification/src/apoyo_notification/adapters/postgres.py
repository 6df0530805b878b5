"""The delivery log and the outcomes in PostgreSQL (schema `notification`)."""

from collections.abc import Collection, Sequence
from datetime import datetime

import asyncpg

from apoyo_common.keyring import DataKeyDestroyed, Keyring
from apoyo_common.keyring.documents import open_json, seal_json
from apoyo_common.messages import SupportNotified
from apoyo_notification.letters import Claim, Kind, Letter
from apoyo_notification.ports import Kept, State

OPEN = "state IN ('PENDING', 'SENDING', 'FAILED')"
CLAIM = (
    "UPDATE notification.messages SET state = 'SENDING', attempts = attempts + 1, "
    "next_attempt_at = $3, updated_at = $2 WHERE {which} AND " + OPEN + " AND "
    "next_attempt_at <= $2 AND letter IS NOT NULL RETURNING message_id, kind, letter, attempts"
)
CLAIM_ONE = CLAIM.format(which="message_id = $1")
CLAIM_DUE = CLAIM.format(
    which="message_id IN (SELECT message_id FROM notification.messages WHERE " + OPEN + " AND "
    "next_attempt_at <= $2 ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
)


def letter_json(letter: Letter) -> dict[str, str | None]:
    expires = None if letter.expires_at is None else letter.expires_at.isoformat()
    fields = {"to": letter.to, "subject": letter.subject, "text": letter.text}
    return {**fields, "html": letter.html, "expires_at": expires, "process_id": letter.process_id}


def letter_context(message_id: str) -> str:
    return f"message/{message_id}/letter"


async def claim_of(keyring: Keyring, row: asyncpg.Record) -> Claim:
    message_id, stored = row["message_id"], row["letter"]
    data = await open_json(keyring, letter_context(message_id), stored)
    expires = data["expires_at"] and datetime.fromisoformat(data["expires_at"])
    fields = (data["to"], data["subject"], data["text"], data["html"], expires or None)
    process = data.get("process_id")  # absent from letters recorded before it was kept
    letter = Letter(message_id, Kind(row["kind"]), *fields, process)
    return Claim(letter, row["attempts"])


class PgMailLog:
    def __init__(self, pool: asyncpg.Pool, keyring: Keyring | None = None) -> None:
        self.pool = pool
        self.keyring = keyring or Keyring.off()  # letters sealed while queued

    async def record(self, letter: Letter, now: datetime) -> bool:
        stored: object = letter_json(letter)
        if letter.process_id is not None:
            context = letter_context(letter.message_id)
            stored = await seal_json(self.keyring, letter.process_id, context, stored)
        status = await self.pool.execute(
            "INSERT INTO notification.messages (message_id, kind, recipient_domain, state, "
            "letter, created_at, updated_at, next_attempt_at) "
            "VALUES ($1, $2, $3, 'PENDING', $4, $5, $5, $5) ON CONFLICT DO NOTHING",
            letter.message_id, letter.kind.value, letter.domain, stored, now,
        )  # fmt: skip
        return bool(status == "INSERT 0 1")

    async def claim(self, message_id: str, now: datetime, until: datetime) -> Claim | None:
        row = await self.pool.fetchrow(CLAIM_ONE, message_id, now, until)
        found = [] if row is None else await self._opened([row], now)
        return found[0] if found else None

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Claim]:
        return await self._opened(await self.pool.fetch(CLAIM_DUE, limit, now, until), now)

    async def _opened(self, rows: list[asyncpg.Record], now: datetime) -> list[Claim]:
        """The claims whose letters open; a letter of a purged process can never be sent, so
        it is abandoned (and dropped) instead of coming due for ever."""
        claims = []
        for row in rows:
            try:
                claims.append(await claim_of(self.keyring, row))
            except DataKeyDestroyed:
                await self.settle(row["message_id"], State.ABANDONED, now)
        return claims

    async def settle(self, message_id: str, state: State, now: datetime) -> None:
        await self.pool.execute(
            "UPDATE notification.messages SET state = $2::text, letter = NULL, updated_at = $3, "
            "sent_at = CASE WHEN $2::text = 'SENT' THEN $3::timestamptz END WHERE message_id = $1",
            message_id, state.value, now,
        )  # fmt: skip

    async def failed(self, message_id: str, error: str, retry_at: datetime) -> None:
        await self.pool.execute(
            "UPDATE notification.messages SET state = 'FAILED', last_error = $2, "
            "next_attempt_at = $3, updated_at = now() WHERE message_id = $1",
            message_id, error, retry_at,
        )  # fmt: skip

    async def put_back(self, message_id: str, at: datetime) -> None:
        await self.pool.execute(
            "UPDATE notification.messages SET state = 'PENDING', attempts = attempts - 1, "
            "next_attempt_at = $2 WHERE message_id = $1",
            message_id, at,
        )  # fmt: skip

    async def state(self, message_id: str) -> State | None:
        value = await self.pool.fetchval(
            "SELECT state FROM notification.messages WHERE message_id = $1", message_id
        )
        return None if value is None else State(value)


# A batch's outcomes in one statement, in the order of their supports (so two batches lock
# the rows they share in the same order); a later outcome already kept stays.
RECORD = (
    "INSERT INTO notification.outcomes (support_id, process_id, status, messages_sent, output, "
    "notified_at, verified_at) SELECT support_id, process_id, status, messages_sent, "
    "output::jsonb, notified_at, verified_at FROM unnest($1::text[], $2::text[], $3::text[], "
    "$4::integer[], $5::text[], $6::timestamptz[], $7::timestamptz[]) AS o(support_id, "
    "process_id, status, messages_sent, output, notified_at, verified_at) ORDER BY support_id "
    "ON CONFLICT (support_id) DO UPDATE SET status = EXCLUDED.status, "
    "messages_sent = EXCLUDED.messages_sent, output = EXCLUDED.output, "
    "notified_at = EXCLUDED.notified_at, verified_at = EXCLUDED.verified_at "
    "WHERE outcomes.verified_at IS NULL OR outcomes.verified_at < EXCLUDED.verified_at "
    "RETURNING support_id"
)


class PgOutcomes:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def latest(self, support_ids: Collection[str]) -> dict[str, Kept]:
        if not support_ids:
            return {}
        rows = await self.pool.fetch(
            "SELECT support_id, output, verified_at FROM notification.outcomes "
            "WHERE support_id = ANY($1::text[])",
            list(support_ids),
        )
        return {
            r["support_id"]: (SupportNotified.model_validate(r["output"]), r["verified_at"])
            for r in rows
        }

    async def record(
        self, outcomes: Sequence[tuple[SupportNotified, datetime]]
    ) -> dict[str, SupportNotified]:
        if not outcomes:
            return {}
        columns = zip(
            *(
                (n.support_id, n.process_id, n.status.value, n.messages_sent,
                 n.model_dump_json(), n.notified_at, verified_at)
                for n, verified_at in outcomes
            ), strict=True,
        )  # fmt: skip
        written = {r["support_id"] for r in await self.pool.fetch(RECORD, *map(list, columns))}
        kept = {n.support_id: n for n, _ in outcomes if n.support_id in written}
        later = await self.latest([n.support_id for n, _ in outcomes if n.support_id not in kept])
        return kept | {support_id: found[0] for support_id, found in later.items()}
