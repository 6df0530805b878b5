"""Wiring of the capture service: repository, service, outbox relay, HTTP app."""

from starlette.routing import Mount

from apoyo_capture.adapters.postgres import PgCaptureRepository
from apoyo_capture.handlers import on_verified
from apoyo_capture.http.app import create_app
from apoyo_capture.service import CaptureService
from apoyo_common.outbox import OutboxRelay
from apoyo_common.runtime import Infrastructure, ServiceUnit, consume
from apoyo_common.topics import SUPPORT_VERIFIED

SERVICE = "capture"


def build(infra: Infrastructure) -> ServiceUnit:
    repository = PgCaptureRepository(infra.pool)
    relay = OutboxRelay(
        repository, infra.publisher, SERVICE, interval_s=infra.settings.outbox_interval_s
    )
    service = CaptureService(repository, infra.store, infra.clock, on_stored=relay.nudge)
    app = create_app(
        service, infra.settings.token_secret.get_secret_value(), infra.settings.max_image_bytes
    )
    unit = ServiceUnit(
        SERVICE,
        "apoyo_capture",
        tasks=[relay.run_forever],
        routes=[Mount("", app=app)],
        extra={"repository": repository, "relay": relay, "service": service},
    )
    consume(infra, unit, SUPPORT_VERIFIED, on_verified(repository))
    return unit
