"""Verification's consumers: thin, from messages to a service call."""

from collections.abc import Awaitable, Callable

from apoyo_common.messages import IdentityDecoded
from apoyo_common.outbox import OutboxRelay
from apoyo_common.processes import ProcessDefinition
from apoyo_verification.batching import Coalesced, GroupCommit
from apoyo_verification.book import Processes
from apoyo_verification.outcome import Outcome
from apoyo_verification.service import Verifier
from apoyo_verification.territory import Territories

Handler = Callable[[bytes], Awaitable[None]]
BatchHandler = Callable[[list[bytes]], Awaitable[None]]


def on_decoded_batch(verifier: Verifier, relay: OutboxRelay, max_items: int = 500) -> BatchHandler:
    """A batch of `identity.decoded` (a Kafka poll, or one message on the in-memory broker),
    written with whatever other batches are in flight in one transaction."""
    group: GroupCommit[IdentityDecoded, Outcome] = GroupCommit(verifier.verify_many, max_items)
    publish = Coalesced(relay.try_drain)

    async def handle(raws: list[bytes]) -> None:
        await group.submit([IdentityDecoded.model_validate_json(raw) for raw in raws])
        # Published now in the usual case, by one drain for the batches in flight; the relay's
        # own loop retries what this leaves.
        await publish()

    return handle


def on_decoded(verifier: Verifier, relay: OutboxRelay) -> Handler:
    batch = on_decoded_batch(verifier, relay)

    async def handle(raw: bytes) -> None:
        await batch([raw])

    return handle


def on_process_defined(
    processes: Processes, territories: Territories, relay: OutboxRelay | None = None
) -> Handler:
    """The process kept, and its territory at its cut told to export (`process.cells`)."""

    async def handle(raw: bytes) -> None:
        process = ProcessDefinition.model_validate_json(raw)
        await processes.save(process)
        if await territories.announce(process) and relay is not None:
            relay.nudge()

    return handle
