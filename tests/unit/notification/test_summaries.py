from datetime import UTC, datetime, timedelta

from apoyo_common.codes import Status
from apoyo_notification.adapters.memory import MemorySender, MemoryTallies
from apoyo_notification.summaries import DailySummaries
from tests.factories import process
from tests.unit.notification.mail_factories import Clock, handlers, outcome, postman

EVENING = datetime(2026, 12, 20, 3, 30, tzinfo=UTC)  # 21:30 of the 19th in central Mexico


async def summaries(clock: Clock, sender: MemorySender) -> DailySummaries:
    post = postman(sender, clock)
    handle, _ = handlers(post)
    await handle.on_process(process().model_dump_json().encode())
    for n, status in enumerate([Status.EN_LISTA_NOMINAL] * 2 + [Status.BAJA]):
        await handle.on_verified(outcome(status, support_id=f"s-{n}").model_dump_json().encode())
    assert isinstance(handle.tallies, MemoryTallies)
    recipients = {"gub-son-2027/asp-01": "uno@example.mx"}
    return DailySummaries(handle.tallies, post, clock, recipients, hour=20)


async def test_each_aspirant_with_an_address_gets_one_summary_a_day() -> None:
    clock, sender = Clock(EVENING - timedelta(hours=2)), MemorySender()
    daily = await summaries(clock, sender)
    outcomes = len(sender.sent)  # the citizens' letters
    assert await daily.post_due() == 0  # 19:30: not yet
    clock.advance(2 * 3600)
    assert await daily.post_due() == 1 and await daily.post_due() == 1
    (letter,) = sender.sent[outcomes:]  # asp-02 has no address; the second round sent nothing
    assert letter["To"] == "uno@example.mx" and "19 de diciembre de 2026" in letter["Subject"]
    text = letter.get_body(("plain",))
    assert text is not None
    body = text.get_content()
    assert "- válidos (en lista nominal): 2" in body and "- dados de baja del padrón: 1" in body
    assert "Total: 3" in body and "Uno:" in body
    clock.advance(24 * 3600)
    await daily.post_due()
    assert len(sender.sent) == outcomes + 2  # the next day's
