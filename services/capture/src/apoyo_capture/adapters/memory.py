"""In-memory repository of the capture service: the fake for unit tests."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from apoyo_capture.adapters.memory_channels import InMemoryChannels
from apoyo_capture.certificate import Submission
from apoyo_capture.listing import ListedSupport, SupportQuery, matches, newest_first
from apoyo_capture.ports import IdempotencyRace, StoredAnswer, SupportView
from apoyo_common.messages import SupportCaptured, SupportVerified
from apoyo_common.outbox import OutboxItem
from apoyo_common.processes import ProcessDefinition
from apoyo_common.publishing import encode
from apoyo_common.topics import PROCESS_DEFINED, SUPPORT_CAPTURED, process_key, support_key


@dataclass
class InMemoryCaptureRepository(InMemoryChannels):
    processes: dict[str, ProcessDefinition] = field(default_factory=dict)
    supports: dict[str, SupportView] = field(default_factory=dict)
    answers: dict[tuple[str, str], StoredAnswer] = field(default_factory=dict)
    published: set[int] = field(default_factory=set)

    async def process(self, process_id: str) -> ProcessDefinition | None:
        return self.processes.get(process_id)

    async def save_process(self, definition: ProcessDefinition) -> None:
        self.processes[definition.id] = definition
        self._enqueue(PROCESS_DEFINED, process_key(definition.id), encode(definition))

    async def answer_for(self, principal: str, idempotency_key: str) -> StoredAnswer | None:
        return self.answers.get((principal, idempotency_key))

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
        if (principal, idempotency_key) in self.answers:
            raise IdempotencyRace(idempotency_key)
        submission = submission or Submission()
        if spend is not None:
            self._spend(submission.grant_id, spend, event)
        if certificate is not None:
            self.certificates[event.support_id] = certificate
        self.events[event.support_id] = (event, submission)
        answer = StoredAnswer(event.support_id, event.received_at, fingerprint)
        self.answers[(principal, idempotency_key)] = answer
        self.supports[event.support_id] = SupportView(
            event.support_id,
            event.process_id,
            event.aspirant_id,
            event.channel.value,
            "RECIBIDO",
            (),
            event.received_at,
            event.received_at,
        )
        published = event if certificate is None else event.carrying(certificate)
        self._enqueue(SUPPORT_CAPTURED, support_key(event.support_id), encode(published))
        return answer

    async def support(self, support_id: str) -> SupportView | None:
        return self.supports.get(support_id)

    async def supports_page(self, query: SupportQuery) -> list[ListedSupport]:
        mine = (
            _listed(view, self.events[view.support_id][0].captured_by)
            for view in self.supports.values()
            if (view.process_id, view.aspirant_id) == (query.process_id, query.aspirant_id)
        )
        return newest_first([s for s in mine if matches(s, query)], query.limit)

    def _status(self, support_id: str) -> str:
        view = self.supports.get(support_id)
        return view.status if view is not None else "RECIBIDO"

    async def apply_verdict(self, verified: SupportVerified) -> None:
        view = self.supports.get(verified.support_id)
        if view is not None and view.updated_at <= verified.verified_at:
            self.supports[verified.support_id] = replace(
                view,
                status=verified.status.value,
                reasons=verified.reasons,
                updated_at=verified.verified_at,
            )

    async def apply_verdicts(self, verdicts: Sequence[SupportVerified]) -> None:
        for verified in verdicts:
            await self.apply_verdict(verified)

    async def claim_outbox(self, limit: int) -> list[OutboxItem]:
        return [item for item in self.outbox if item.id not in self.published][:limit]

    async def mark_published(self, ids: list[int]) -> None:
        self.published.update(ids)


def _listed(view: SupportView, captured_by: str) -> ListedSupport:
    return ListedSupport(
        view.support_id, view.channel, captured_by, view.status, view.reasons,
        view.received_at, view.updated_at,
    )  # fmt: skip
