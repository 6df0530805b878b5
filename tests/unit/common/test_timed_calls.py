"""Object-store calls and database statements are timed with labels that name the operation,
never a key, a statement's text or its arguments."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asyncpg.connection import LoggedQuery

from apoyo_common import metrics
from apoyo_common.db import observe_query, statement_kind
from apoyo_common.storage import InMemoryStore, ObjectNotFound
from apoyo_common.storage.timed import TimedStore
from apoyo_common.support_age import observe_age
from tests.unit.common.test_storage import check_contract


def sample(name: str, **labels: str) -> float:
    value = metrics.REGISTRY.get_sample_value(name, {"service": metrics.process_name(), **labels})
    return value or 0.0


async def test_a_timed_store_keeps_the_contract(tmp_path: Path) -> None:
    del tmp_path
    await check_contract(TimedStore(InMemoryStore()))


class Broken(InMemoryStore):
    async def put(self, key: str, data: bytes, content_type: str) -> None:
        raise OSError("the server went away")


async def test_each_store_call_is_timed_by_operation_and_outcome() -> None:
    def seen(operation: str, outcome: str) -> float:
        return sample("apoyo_store_seconds_count", operation=operation, outcome=outcome)

    names = [("put", "ok"), ("get", "ok"), ("get", "missing"), ("stream", "ok"), ("put", "error")]
    before = {n: seen(*n) for n in names}
    store = TimedStore(InMemoryStore())
    await store.put("evidence/a.jpg", b"x" * 10, "image/jpeg")
    assert await store.get("evidence/a.jpg") == b"x" * 10
    with pytest.raises(ObjectNotFound):
        await store.get("evidence/b.jpg")
    assert [c async for c in store.stream("evidence/a.jpg")] == [b"x" * 10]
    with pytest.raises(OSError):
        await TimedStore(Broken()).put("evidence/c.jpg", b"x", "image/jpeg")
    assert {n: seen(*n) - before[n] for n in names} == dict.fromkeys(names, 1.0)
    assert "evidence/a.jpg" not in metrics.exposition()[0].decode()


def test_a_statement_is_labelled_by_its_first_keyword_only() -> None:
    assert statement_kind("  select * from capture.supports where curp = $1") == "SELECT"
    assert statement_kind("\nINSERT INTO x VALUES ($1)") == "INSERT"
    assert statement_kind("WITH q AS (SELECT 1) UPDATE x SET y = 1") == "WITH"
    assert statement_kind("BEGIN;") == "TRANSACTION"
    assert statement_kind("VACUUM") == statement_kind("") == "OTHER"


def test_a_logged_query_is_observed_without_its_text_or_arguments() -> None:
    def seen(outcome: str) -> float:
        return sample("apoyo_db_query_seconds_count", statement="UPDATE", outcome=outcome)

    before = seen("ok"), seen("error")
    for error in (None, None, RuntimeError("x")):
        observe_query(
            LoggedQuery(
                "UPDATE t SET curp = $1", ("GOMJ800101HSRRRN09",), None, 0.01, error, None, None
            )
        )
    assert (seen("ok") - before[0], seen("error") - before[1]) == (2.0, 1.0)
    assert "GOMJ800101HSRRRN09" not in metrics.exposition()[0].decode()


def test_a_stage_event_is_observed_with_its_age_other_events_are_not() -> None:
    def seen(stage: str) -> tuple[float, float]:
        count = sample("apoyo_support_age_seconds_count", stage=stage)
        return count, sample("apoyo_support_age_seconds_sum", stage=stage)

    now = datetime.now(UTC)
    received = (now - timedelta(seconds=90)).isoformat()
    before = seen("identity.decoded")
    observe_age("identity.decoded", f'{{"received_at": "{received}"}}'.encode(), now)
    observe_age("process.defined", f'{{"received_at": "{received}"}}'.encode(), now)
    observe_age("support.verified", b'{"support_id": "s-1"}', now)
    after = seen("identity.decoded")
    assert after[0] == before[0] + 1 and after[1] - before[1] == pytest.approx(90)
    assert sample("apoyo_support_age_seconds_count", stage="process.defined") == 0


async def test_objects_read_together_are_timed_as_one_call() -> None:
    def seen(operation: str, outcome: str) -> float:
        return sample("apoyo_store_seconds_count", operation=operation, outcome=outcome)

    names = [("get_many", "ok"), ("get_many", "missing"), ("get", "ok"), ("get", "missing")]
    before = {n: seen(*n) for n in names}
    store = TimedStore(InMemoryStore())
    await store.put("evidence/a.jpg", b"a", "image/jpeg")
    await store.put("evidence/b.jpg", b"b", "image/jpeg")
    assert await store.get_many(["evidence/b.jpg", "evidence/a.jpg"]) == [b"b", b"a"]
    with pytest.raises(ObjectNotFound):
        await store.get_many(["evidence/a.jpg", "evidence/c.jpg"])
    counted = {n: seen(*n) - before[n] for n in names}
    assert counted == {
        ("get_many", "ok"): 1.0,
        ("get_many", "missing"): 1.0,
        ("get", "ok"): 0.0,
        ("get", "missing"): 0.0,
    }
