"""Capture's consumer: the verdicts that `GET /v1/supports/{id}` reports."""

from collections.abc import Awaitable, Callable

from apoyo_capture.ports import CaptureRepository
from apoyo_common.messages import SupportVerified


def on_verified(repository: CaptureRepository) -> Callable[[bytes], Awaitable[None]]:
    async def handle(raw: bytes) -> None:
        await repository.apply_verdict(SupportVerified.model_validate_json(raw))

    return handle


def on_verified_many(repository: CaptureRepository) -> Callable[[list[bytes]], Awaitable[None]]:
    """A batch applied in order in one transaction."""

    async def handle_many(raws: list[bytes]) -> None:
        await repository.apply_verdicts([SupportVerified.model_validate_json(r) for r in raws])

    return handle_many
