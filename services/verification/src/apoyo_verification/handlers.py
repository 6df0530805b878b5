"""Verification's consumers: thin, from a message to a service call."""

from collections.abc import Awaitable, Callable

from apoyo_common.messages import IdentityDecoded
from apoyo_common.outbox import OutboxRelay
from apoyo_common.processes import ProcessDefinition
from apoyo_verification.book import Processes
from apoyo_verification.service import Verifier

Handler = Callable[[bytes], Awaitable[None]]


def on_decoded(verifier: Verifier, relay: OutboxRelay) -> Handler:
    async def handle(raw: bytes) -> None:
        await verifier.verify(IdentityDecoded.model_validate_json(raw))
        # Published now in the usual case; the relay's own loop retries what this leaves.
        await relay.try_drain()

    return handle


def on_process_defined(processes: Processes) -> Handler:
    async def handle(raw: bytes) -> None:
        await processes.save(ProcessDefinition.model_validate_json(raw))

    return handle
