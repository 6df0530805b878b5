"""PostgreSQL repository of the capture service (schema `capture`)."""

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

import asyncpg

from apoyo_capture.adapters.postgres_channels import (
    PgChannels,
    event_context,
    submission_context,
)
from apoyo_capture.certificate import Submission
from apoyo_capture.listing import ListedSupport, SupportQuery, shift
from apoyo_capture.ports import GrantSpent, IdempotencyRace, StoredAnswer, SupportView
from apoyo_common.gathered import Gathered, Outcomes
from apoyo_common.keyring import Keyring
from apoyo_common.keyring.documents import seal_encoded, seal_json
from apoyo_common.messages import SupportCaptured, SupportVerified
from apoyo_common.outbox import OutboxItem, PgOutbox, sealed_payload
from apoyo_common.processes import ProcessDefinition
from apoyo_common.publishing import encode
from apoyo_common.topics import PROCESS_DEFINED, SUPPORT_CAPTURED, process_key, support_key

COUNT_SHARDS = 16
_INSERT_OUTBOX = "INSERT INTO capture.outbox (topic, key, payload) VALUES ($1, $2, $3)"
_INSERT_CERTIFICATE = "INSERT INTO capture.certificates (support_id, document) VALUES ($1, $2)"
_INSERT_SUPPORT = (
    "INSERT INTO capture.supports (support_id, process_id, aspirant_id, channel, captured_by, "
    "received_at, updated_at, event, submission) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)"
)
_INSERT_ANSWER = "INSERT INTO capture.idempotency_keys VALUES ($1, $2, $3, $4)"
# The support, its idempotency key, its event, its certificate ($15, when there is one) and
# its subject's count as one statement: atomic like a transaction, in one round trip instead
# of seven. The keys' and certificate's foreign keys are checked at the statement's end.
_SAVE_SUPPORT = (
    f"WITH support AS ({_INSERT_SUPPORT}), "
    "answer AS (INSERT INTO capture.idempotency_keys VALUES ($9, $10, $11, $1)), "
    "event AS (INSERT INTO capture.outbox (topic, key, payload) VALUES ($12, $13, $14)), "
    "certificate AS (INSERT INTO capture.certificates (support_id, document) "
    "SELECT $1, $15::bytea WHERE $15::bytea IS NOT NULL) "
    "INSERT INTO capture.captured_counts (process_id, aspirant_id, captured_by, shard, "
    "supports) VALUES ($2, $3, $5, $16, 1) "
    "ON CONFLICT (process_id, aspirant_id, captured_by, shard) "
    "DO UPDATE SET supports = captured_counts.supports + 1"
)
# The same for a batch of supports without a grant (`Gathered`): one statement, so a batch is
# stored whole or not at all. Its keys are inserted in their order and its counts moved in
# theirs, so two batches never wait on each other crosswise; each count moves once a batch.
_SAVE_SUPPORTS = (
    "WITH b AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
    "$5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::text[], "
    "$11::text[], $12::text[], $13::bytea[], $14::bytea[], $15::bytea[]) AS b(support_id, "
    "process_id, aspirant_id, channel, captured_by, received_at, event, submission, principal, "
    "idempotency_key, fingerprint, topic, key, payload, certificate)), "
    "support AS (INSERT INTO capture.supports (support_id, process_id, aspirant_id, channel, "
    "captured_by, received_at, updated_at, event, submission) SELECT support_id, process_id, "
    "aspirant_id, channel, captured_by, received_at, received_at, event::jsonb, "
    "submission::jsonb FROM b), "
    "answer AS (INSERT INTO capture.idempotency_keys SELECT principal, idempotency_key, "
    "fingerprint, support_id FROM b ORDER BY principal, idempotency_key), "
    "event AS (INSERT INTO capture.outbox (topic, key, payload) SELECT topic, key, payload "
    "FROM b), "
    "certificate AS (INSERT INTO capture.certificates (support_id, document) "
    "SELECT support_id, certificate FROM b WHERE certificate IS NOT NULL) "
    "INSERT INTO capture.captured_counts (process_id, aspirant_id, captured_by, shard, "
    "supports) SELECT process_id, aspirant_id, captured_by, $16, count(*) FROM b "
    "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 "
    "ON CONFLICT (process_id, aspirant_id, captured_by, shard) "
    "DO UPDATE SET supports = captured_counts.supports + EXCLUDED.supports"
)
_COUNT_ONE = (
    "INSERT INTO capture.captured_counts (process_id, aspirant_id, captured_by, shard, "
    "supports) VALUES ($1, $2, $3, $4, 1) "
    "ON CONFLICT (process_id, aspirant_id, captured_by, shard) "
    "DO UPDATE SET supports = captured_counts.supports + 1"
)
# A batch's verdicts in one statement, one a support: its rows locked first, in their order (so
# `before` is the status each verdict replaces, and two batches never wait on each other in a
# cycle); only a verdict at least as new as the status it finds replaces it.
_VERDICTS = (
    "WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) "
    "AS v(support_id, status, reasons, verified_at)), "
    "old AS (SELECT s.support_id, s.status FROM capture.supports s JOIN v USING (support_id) "
    "ORDER BY s.support_id FOR UPDATE OF s) "
    "UPDATE capture.supports s SET status = v.status, reasons = v.reasons::jsonb, "
    "updated_at = v.verified_at FROM v JOIN old USING (support_id) "
    "WHERE s.support_id = v.support_id AND s.updated_at <= v.verified_at "
    "RETURNING s.process_id, s.aspirant_id, s.captured_by, old.status AS before, v.status AS after"
)
# Verdicts move shard 0, which stored supports never lock (`count_shard`).
_SHIFT = (
    "INSERT INTO capture.captured_counts (process_id, aspirant_id, captured_by, shard, "
    "decided, rejected) VALUES ($1, $2, $3, 0, $4, $5) "
    "ON CONFLICT (process_id, aspirant_id, captured_by, shard) "
    "DO UPDATE SET decided = captured_counts.decided + EXCLUDED.decided, "
    "rejected = captured_counts.rejected + EXCLUDED.rejected"
)


def count_shard() -> int:
    """The counts' row a write of stored supports moves: one of COUNT_SHARDS drawn at random,
    so two workers' writes for one subject seldom wait on the same row until the other's
    commit is flushed (migration 0006). Shard 0 is the verdicts'."""
    return random.randint(1, COUNT_SHARDS)  # noqa: S311 - spreads row locks, not a secret


class PgCaptureRepository(PgChannels):
    def __init__(
        self, pool: asyncpg.Pool, keyring: Keyring | None = None, clave_secret: bytes | None = None
    ) -> None:
        super().__init__(pool, keyring, clave_secret)
        self.outbox = PgOutbox(pool, "capture.outbox", self.keyring)
        self._supports = Gathered(self._write_supports, most=64)

    @property
    def statements(self) -> tuple[str, ...]:
        """The SQL every support and relay pass runs, to prepare at start."""
        return _SAVE_SUPPORT, _SAVE_SUPPORTS, *self.outbox.statements

    async def process(self, process_id: str) -> ProcessDefinition | None:
        row = await self.pool.fetchrow(
            "SELECT definition FROM capture.processes WHERE process_id = $1", process_id
        )
        return None if row is None else ProcessDefinition.model_validate(row["definition"])

    async def save_process(self, definition: ProcessDefinition) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO capture.processes (process_id, definition) VALUES ($1, $2) "
                "ON CONFLICT (process_id) DO UPDATE SET definition = EXCLUDED.definition, "
                "updated_at = now()",
                definition.id,
                json.loads(definition.model_dump_json()),
            )
            await conn.execute(
                _INSERT_OUTBOX, PROCESS_DEFINED, process_key(definition.id), encode(definition)
            )

    async def answer_for(self, principal: str, idempotency_key: str) -> StoredAnswer | None:
        row = await self.pool.fetchrow(
            "SELECT k.fingerprint, s.support_id, s.received_at FROM capture.idempotency_keys k "
            "JOIN capture.supports s USING (support_id) "
            "WHERE k.principal = $1 AND k.idempotency_key = $2",
            principal,
            idempotency_key,
        )
        if row is None:
            return None
        return StoredAnswer(row["support_id"], row["received_at"], row["fingerprint"])

    async def save_support(
        self,
        event: SupportCaptured,
        principal: str,
        idempotency_key: str,
        fingerprint: str,
        submission: Submission | None = None,
        spend: str | None = None,
        certificate: bytes | None = None,
    ) -> StoredAnswer:
        submission = submission or Submission()
        pid, sid, key = event.process_id, event.support_id, support_key(event.support_id)
        encoded = encode(event)
        stored = await seal_encoded(self.keyring, pid, event_context(sid), encoded)
        told = await seal_json(self.keyring, pid, submission_context(sid), asdict(submission))
        published = encoded if certificate is None else encode(event.carrying(certificate))
        payload = await sealed_payload(self.keyring, pid, SUPPORT_CAPTURED, key, published)
        sealed = None if certificate is None else await self.sealed_certificate(event, certificate)
        row = (sid, pid, event.aspirant_id, event.channel.value, event.captured_by,
               event.received_at, stored, told)  # fmt: skip
        rest = (principal, idempotency_key, fingerprint, SUPPORT_CAPTURED, key, payload)
        if spend is None:  # one statement with the others that arrive meanwhile
            await self._supports.add((*row, *rest, sealed))
            return StoredAnswer(event.support_id, event.received_at, fingerprint)
        try:
            await self._save_spending(event, row, rest, (submission.grant_id, spend), sealed)
        except asyncpg.UniqueViolationError:
            raise IdempotencyRace(idempotency_key) from None
        return StoredAnswer(event.support_id, event.received_at, fingerprint)

    async def _write_supports(self, supports: list[tuple[Any, ...]]) -> Outcomes:
        """Supports without a grant, each one `_SAVE_SUPPORT`'s arguments: together when more
        than one came, in one statement; one by one when that statement met a retry's key (or
        a lone support), so only the retry is refused."""
        if len(supports) > 1:
            columns = [list(column) for column in zip(*supports, strict=True)]
            for documents in (columns[6], columns[7]):  # jsonb, sent as its text
                documents[:] = [json.dumps(d) for d in documents]
            try:
                await self.pool.execute(_SAVE_SUPPORTS, *columns, count_shard())
                return [None] * len(supports)
            except (asyncpg.UniqueViolationError, asyncpg.DeadlockDetectedError):
                pass
        return [await self._save_one(support) for support in supports]

    async def _save_one(self, support: tuple[Any, ...]) -> BaseException | None:
        try:
            await self.pool.execute(_SAVE_SUPPORT, *support, count_shard())
        except asyncpg.UniqueViolationError:
            return IdempotencyRace(support[9])
        except Exception as error:  # this support's own answer; the others' stand
            return error
        return None

    async def _save_spending(
        self, event: SupportCaptured, row: tuple[object, ...], rest: tuple[object, ...],
        grant: tuple[str | None, str], sealed: bytes | None,
    ) -> None:  # fmt: skip
        """The support with its grant spent, in a transaction: the grant's row lock makes a
        second submission with the same token wait, then find it spent (GrantSpent)."""
        principal, idempotency_key, fingerprint, topic, key, payload = rest
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(_INSERT_SUPPORT, *row)
            await _spend(conn, grant[0], grant[1], event)
            sid = event.support_id
            await conn.execute(_INSERT_ANSWER, principal, idempotency_key, fingerprint, sid)
            await conn.execute(_INSERT_OUTBOX, topic, key, payload)
            who = (event.process_id, event.aspirant_id, event.captured_by)
            await conn.execute(_COUNT_ONE, *who, count_shard())
            if sealed is not None:
                await conn.execute(_INSERT_CERTIFICATE, sid, sealed)

    async def support(self, support_id: str) -> SupportView | None:
        row = await self.pool.fetchrow(
            "SELECT support_id, process_id, aspirant_id, channel, status, reasons, received_at, "
            "updated_at FROM capture.supports WHERE support_id = $1",
            support_id,
        )
        if row is None:
            return None
        return SupportView(**{**dict(row), "reasons": tuple(row["reasons"])})

    async def supports_page(self, query: SupportQuery) -> list[ListedSupport]:
        sql, args = page_sql(query)
        rows = await self.pool.fetch(sql, *args)
        return [ListedSupport(**{**dict(r), "reasons": tuple(r["reasons"])}) for r in rows]

    async def apply_verdict(self, verified: SupportVerified) -> None:
        await self.apply_verdicts([verified])

    async def apply_verdicts(self, verdicts: Sequence[SupportVerified]) -> None:
        # Only a newer verdict replaces an older one, so replays never step status back: of a
        # support's verdicts in a batch only its newest can stand (the last of equals, as one
        # by one), and the counts' moves add up the same (each a difference of two statuses).
        # They move with the statuses in the same transaction, summed per subject and moved in
        # one order, so two batches never wait on each other's counts in a cycle.
        newest: dict[str, SupportVerified] = {}
        for verified in verdicts:
            kept = newest.get(verified.support_id)
            if kept is None or kept.verified_at <= verified.verified_at:
                newest[verified.support_id] = verified
        shifts: dict[tuple[str, str, str], tuple[int, int]] = {}
        async with self.pool.acquire() as conn, conn.transaction():
            for changed in await conn.fetch(_VERDICTS, *_verdict_columns(newest.values())):
                decided, rejected = shift(changed["before"], changed["after"])
                who = (changed["process_id"], changed["aspirant_id"], changed["captured_by"])
                before = shifts.get(who, (0, 0))
                shifts[who] = (before[0] + decided, before[1] + rejected)
            moves = [(*who, *move) for who, move in sorted(shifts.items()) if move != (0, 0)]
            if moves:
                await conn.executemany(_SHIFT, moves)

    async def claim_outbox(self, limit: int) -> list[OutboxItem]:
        return await self.outbox.claim_outbox(limit)

    async def mark_published(self, ids: list[int]) -> None:
        await self.outbox.mark_published(ids)

    async def pending_outbox(self) -> int:
        return await self.outbox.pending()


async def _spend(
    conn: asyncpg.Connection, grant_id: str | None, token_sha256: str, event: SupportCaptured
) -> None:
    # The row lock makes a second submission with the same token wait, then find it spent.
    status = await conn.execute(
        "UPDATE capture.grants SET spent_at = $3, support_id = $4 WHERE grant_id = $1 "
        "AND token_sha256 = $2 AND spent_at IS NULL AND expires_at > $3",
        grant_id,
        token_sha256,
        event.received_at,
        event.support_id,
    )
    if status != "UPDATE 1":
        raise GrantSpent(grant_id)


_LIST_COLUMNS = "support_id, channel, captured_by, status, reasons, received_at, updated_at"


def page_sql(query: SupportQuery) -> tuple[str, list[object]]:
    """Only the conditions asked for, so each query's plan can use that filter's index."""
    f = query.filter
    args: list[object] = [query.process_id, query.aspirant_id]
    where = ["process_id = $1", "aspirant_id = $2"]

    def condition(template: str, *values: object) -> None:
        numbers = [f"${len(args) + i + 1}" for i in range(len(values))]
        args.extend(values)
        where.append(template.format(*numbers))

    for column, value in (
        ("status", f.status), ("channel", f.channel), ("captured_by", f.captured_by),
    ):  # fmt: skip
        if value is not None:
            condition(column + " = {}", value)
    if f.reason is not None:
        condition("reasons @> jsonb_build_array({}::text)", f.reason)
    if f.since is not None:
        condition("received_at >= {}", f.since)
    if f.until is not None:
        condition("received_at < {}", f.until)
    if query.after is not None:
        condition(
            "(received_at, support_id) < ({}, {})", query.after.received_at, query.after.support_id
        )
    args.append(query.limit)
    sql = (
        f"SELECT {_LIST_COLUMNS} FROM capture.supports WHERE {' AND '.join(where)} "
        f"ORDER BY received_at DESC, support_id DESC LIMIT ${len(args)}"
    )
    return sql, args


def _verdict_columns(verdicts: Iterable[SupportVerified]) -> list[list[Any]]:
    rows = [
        (v.support_id, v.status.value, json.dumps(list(v.reasons)), v.verified_at) for v in verdicts
    ]
    return [list(column) for column in zip(*rows, strict=True)] or [[], [], [], []]
