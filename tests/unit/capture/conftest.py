"""Fixtures of the capture unit tests: the in-memory repository, a clock that moves, and the
services built on them as the wiring module builds them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_capture.adapters.memory import InMemoryCaptureRepository
from apoyo_capture.certificates import CertificateService
from apoyo_capture.invitations import InvitationService
from apoyo_capture.registry import AuxiliaryRegistry
from apoyo_capture.self_service import SelfService
from apoyo_capture.service import CaptureService
from apoyo_common.storage import InMemoryStore
from tests.factories import NOW, process

SECRET = "unit-test-token-secret-of-enough-length"


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Capture:
    repository: InMemoryCaptureRepository
    store: InMemoryStore
    clock: Clock
    service: CaptureService
    invitations: InvitationService
    self_service: SelfService
    registry: AuxiliaryRegistry
    certificates: CertificateService
    key: Ed25519PrivateKey


@pytest.fixture
async def capture() -> Capture:
    repository, store, clock = InMemoryCaptureRepository(), InMemoryStore(), Clock()
    await repository.save_process(process())
    key = Ed25519PrivateKey.generate()
    certificates = CertificateService(repository, clock, key, store)
    return Capture(
        repository,
        store,
        clock,
        CaptureService(repository, store, clock, certify=certificates.make),
        InvitationService(repository, clock, SECRET),
        SelfService(repository, clock, SECRET),
        AuxiliaryRegistry(repository, clock, SECRET),
        certificates,
        key,
    )
