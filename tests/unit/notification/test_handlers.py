from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from apoyo_common.codes import Status
from apoyo_common.messages import SupportNotified
from apoyo_common.messages_base import Contract
from apoyo_notification.adapters.memory import MemorySender
from tests.unit.notification.mail_factories import (
    code_request,
    handlers,
    invitation,
    outcome,
    postman,
)


def raw(event: Contract) -> bytes:
    return event.model_dump_json().encode()


async def test_an_outcome_is_mailed_once_and_passed_on_each_time() -> None:
    sender = MemorySender()
    handle, published = handlers(postman(sender))
    for _ in range(3):
        await handle.on_verified(raw(outcome()))
    notified = published.on("support.notified")
    assert len(notified) == 3 and len(sender.sent) == 1
    assert all(isinstance(n, SupportNotified) and n.messages_sent == 1 for n in notified)
    assert len({n.model_dump_json() for n in notified}) == 1  # the recorded one, again


async def test_a_revised_outcome_is_mailed_once_more_and_an_older_one_replayed_is_not() -> None:
    sender = MemorySender()
    handle, published = handlers(postman(sender))
    first = outcome(Status.EN_LISTA_NOMINAL)
    later = first.verified_at + timedelta(minutes=5)
    revised = outcome(Status.DUPLICADO_OTRO_ASPIRANTE, at=later)
    for event in (first, revised, revised, first):
        await handle.on_verified(raw(event))
    assert len(sender.sent) == 2
    notified = published.on("support.notified")
    statuses = [n.status for n in notified if isinstance(n, SupportNotified)]
    assert statuses == [Status.EN_LISTA_NOMINAL] + [Status.DUPLICADO_OTRO_ASPIRANTE] * 3


async def test_an_outcome_without_an_address_sends_nothing() -> None:
    sender = MemorySender()
    handle, published = handlers(postman(sender))
    await handle.on_verified(raw(outcome().model_copy(update={"email": None})))
    (notified,) = published.on("support.notified")
    assert isinstance(notified, SupportNotified) and notified.messages_sent == 0
    assert sender.sent == []


async def test_invitations_and_codes_are_mailed_once_each() -> None:
    sender = MemorySender()
    handle, published = handlers(postman(sender))
    for _ in range(2):
        await handle.on_invitation(raw(invitation()))
        await handle.on_email_code(raw(code_request()))
    assert [m["Subject"] for m in sender.sent] == [
        "Ana Pérez te invita a darle tu apoyo ciudadano",
        "Tu código para confirmar tu correo",
    ]
    assert published.sent == []  # nothing goes on from these: they are not support events


async def test_a_batch_is_judged_in_order_and_passed_on_only_once_it_is_done() -> None:
    sender = MemorySender()
    handle, published = handlers(postman(sender))
    first = outcome(Status.EN_LISTA_NOMINAL)
    revised = outcome(Status.DUPLICADO_OTRO_ASPIRANTE, at=first.verified_at + timedelta(minutes=5))
    await handle.on_verified_many([raw(first), raw(revised), raw(revised), raw(first)])
    statuses = [
        n.status for n in published.on("support.notified") if isinstance(n, SupportNotified)
    ]
    assert statuses == [Status.EN_LISTA_NOMINAL] + [Status.DUPLICADO_OTRO_ASPIRANTE] * 3
    assert len(sender.sent) == 2  # the replayed older outcome was not mailed again


async def test_a_failed_batch_passes_nothing_on_and_mails_nothing_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sender = MemorySender()
    handle, published = handlers(postman(sender))
    with pytest.raises(ValidationError):  # read before anything is mailed or recorded
        await handle.on_verified_many([raw(outcome()), b"{}"])
    assert published.sent == [] and sender.sent == []
    monkeypatch.setattr(handle.outcomes, "record", away)
    with pytest.raises(ConnectionError):  # mailed, then the outcome could not be recorded
        await handle.on_verified_many([raw(outcome())])
    assert published.sent == [] and len(sender.sent) == 1
    monkeypatch.undo()
    await handle.on_verified(raw(outcome()))  # delivered alone after the failed batch
    (notified,) = published.on("support.notified")
    assert isinstance(notified, SupportNotified) and notified.messages_sent == 1
    assert len(sender.sent) == 1  # the delivery log knew the letter


async def test_a_batch_reads_and_records_its_outcomes_once(monkeypatch: pytest.MonkeyPatch) -> None:
    handle, published = handlers(postman(MemorySender()))
    calls: list[str] = []
    for name in ("latest", "record"):
        monkeypatch.setattr(handle.outcomes, name, counted(calls, getattr(handle.outcomes, name)))
    events = [outcome(support_id=f"s-{n}") for n in range(5)]
    await handle.on_verified_many([raw(e) for e in events])
    assert calls == ["latest", "record"]
    passed = [n for n in published.on("support.notified") if isinstance(n, SupportNotified)]
    assert [n.support_id for n in passed] == [e.support_id for e in events]


async def away(*_: object) -> None:
    raise ConnectionError("PostgreSQL away")


def counted(calls: list[str], method: Callable[..., Awaitable[object]]) -> Callable[..., Any]:
    async def called(*args: object) -> object:
        calls.append(method.__name__)
        return await method(*args)

    return called
