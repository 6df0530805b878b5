"""In-memory grants, auxiliaries and certificates: the fake behind the capture repository."""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from apoyo_capture.auxiliaries import Auxiliary, AuxiliaryCount
from apoyo_capture.certificate import Submission
from apoyo_capture.grants import Grant, GrantKind
from apoyo_capture.listing import PENDING, REJECTED
from apoyo_capture.ports import AuxiliaryTaken, GrantSpent
from apoyo_common.messages import EmailCodeRequested, InvitationCreated, SupportCaptured
from apoyo_common.outbox import OutboxItem
from apoyo_common.publishing import encode


@dataclass
class InMemoryChannels:
    outbox: list[OutboxItem] = field(default_factory=list)
    grants: dict[str, Grant] = field(default_factory=dict)
    auxiliaries: dict[str, Auxiliary] = field(default_factory=dict)
    events: dict[str, tuple[SupportCaptured, Submission]] = field(default_factory=dict)
    certificates: dict[str, bytes] = field(default_factory=dict)

    def _enqueue(self, topic: str, key: bytes, payload: bytes) -> None:
        self.outbox.append(OutboxItem(len(self.outbox) + 1, topic, key, payload))

    async def add_grant(self, grant: Grant, mail: InvitationCreated | EmailCodeRequested) -> None:
        self.grants[grant.grant_id] = grant
        self._enqueue(mail.topic, grant.grant_id.encode(), encode(mail))

    async def grant(self, grant_id: str) -> Grant | None:
        return self.grants.get(grant_id)

    async def invitations(self, process_id: str, aspirant_id: str) -> list[Grant]:
        return sorted(
            (
                g
                for g in self.grants.values()
                if g.kind is GrantKind.INVITACION
                and (g.process_id, g.aspirant_id) == (process_id, aspirant_id)
            ),
            key=lambda g: (g.created_at, g.grant_id),
        )

    async def mark_opened(self, grant_id: str, at: datetime) -> None:
        grant = self.grants.get(grant_id)
        if grant is not None and grant.opened_at is None:
            self.grants[grant_id] = replace(grant, opened_at=at)

    async def count_attempt(self, grant_id: str) -> None:
        grant = self.grants[grant_id]
        self.grants[grant_id] = replace(grant, attempts=grant.attempts + 1)

    async def verify_email(
        self, grant_id: str, at: datetime, token_sha256: str, expires_at: datetime
    ) -> bool:
        grant = self.grants[grant_id]
        if grant.email_verified_at is not None:
            return False
        self.grants[grant_id] = replace(
            grant, email_verified_at=at, token_sha256=token_sha256, expires_at=expires_at
        )
        return True

    def _spend(self, grant_id: str | None, token_sha256: str, event: SupportCaptured) -> None:
        grant = self.grants.get(grant_id or "")
        if (
            grant is None
            or grant.token_sha256 != token_sha256
            or grant.spent_at is not None
            or grant.expires_at <= event.received_at
        ):
            raise GrantSpent(grant_id)
        self.grants[grant.grant_id] = replace(
            grant, spent_at=event.received_at, support_id=event.support_id
        )

    async def add_auxiliary(self, auxiliary: Auxiliary) -> None:
        clave = auxiliary.form.clave_elector.upper()
        for other in self.auxiliaries.values():
            same = other.form.clave_elector.upper() == clave
            if same and other.process_id == auxiliary.process_id and other.revoked_at is None:
                raise AuxiliaryTaken(auxiliary.auxiliary_id)
        self.auxiliaries[auxiliary.auxiliary_id] = auxiliary

    async def auxiliary(self, auxiliary_id: str) -> Auxiliary | None:
        return self.auxiliaries.get(auxiliary_id)

    async def revoke_auxiliary(self, auxiliary_id: str, at: datetime) -> Auxiliary | None:
        found = self.auxiliaries.get(auxiliary_id)
        if found is not None and found.revoked_at is None:
            found = self.auxiliaries[auxiliary_id] = replace(found, revoked_at=at)
        return found

    async def auxiliary_counts(self, process_id: str, aspirant_id: str) -> list[AuxiliaryCount]:
        statuses = [
            (event.captured_by, self._status(event.support_id))
            for event, _ in self.events.values()
            if (event.process_id, event.aspirant_id) == (process_id, aspirant_id)
        ]
        counts = Counter(by for by, _ in statuses)
        rejected = Counter(by for by, status in statuses if status in REJECTED)
        decided = Counter(by for by, status in statuses if status not in PENDING)
        registered = {
            f"aux:{a.auxiliary_id}": a
            for a in self.auxiliaries.values()
            if (a.process_id, a.aspirant_id) == (process_id, aspirant_id)
        }
        subjects = sorted(set(counts) | set(registered))
        return [
            AuxiliaryCount(s, counts[s], registered.get(s), rejected[s], decided[s])
            for s in subjects
        ]

    def _status(self, support_id: str) -> str:
        """A support's status now: the capture repository knows it; a fresh one is RECIBIDO."""
        return PENDING[0]

    async def certificate_facts(
        self, support_id: str
    ) -> tuple[SupportCaptured, Submission, Grant | None] | None:
        found = self.events.get(support_id)
        if found is None:
            return None
        event, submission = found
        return event, submission, self.grants.get(submission.grant_id or "")

    async def certificate(self, support_id: str) -> bytes | None:
        return self.certificates.get(support_id)

    async def save_certificate(self, support_id: str, document: bytes) -> bytes:
        return self.certificates.setdefault(support_id, document)
