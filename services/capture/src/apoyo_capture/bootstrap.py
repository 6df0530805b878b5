"""Wiring of the capture service: repository, services, outbox relay, HTTP app."""

from starlette.routing import Mount

from apoyo_capture.adapters.postgres import PgCaptureRepository
from apoyo_capture.certificates import CertificateService
from apoyo_capture.handlers import on_verified, on_verified_many
from apoyo_capture.http.app import create_app
from apoyo_capture.http.deps import CaptureApi
from apoyo_capture.http.limits import RateLimits
from apoyo_capture.invitations import InvitationService
from apoyo_capture.recent_processes import RecentProcesses
from apoyo_capture.records import SupportRecords
from apoyo_capture.registry import AuxiliaryRegistry
from apoyo_capture.self_service import SelfService
from apoyo_capture.service import CaptureService
from apoyo_common.access.postgres import PgAccessLog
from apoyo_common.kafka import TRICKLE
from apoyo_common.outbox import OutboxRelay
from apoyo_common.ratelimit import TokenBuckets
from apoyo_common.runtime import Infrastructure, ServiceUnit, consume_batch
from apoyo_common.signing import institute_key
from apoyo_common.token_keys import checked_keys
from apoyo_common.tokens import TokenKeys
from apoyo_common.topics import SUPPORT_VERIFIED

SERVICE = "capture"
VERDICTS = 200  # `support.verified` a poll hands over at most


def http_api(
    infra: Infrastructure,
    repository: PgCaptureRepository,
    service: CaptureService,
    certificates: CertificateService,
    keys: TokenKeys,
) -> CaptureApi:
    settings, clock = infra.settings, infra.clock
    secret = settings.token_secret.get_secret_value()
    return CaptureApi(
        capture=service,
        invitations=InvitationService(repository, clock, keys),
        self_service=SelfService(repository, clock, secret, keys),
        registry=AuxiliaryRegistry(repository, clock, keys),
        certificates=certificates,
        records=SupportRecords(service),
        access=PgAccessLog(infra.pool, SERVICE, clock),
        limits=RateLimits(
            TokenBuckets(settings.rate_ip_per_s, settings.rate_ip_burst),
            TokenBuckets(settings.rate_token_per_s, settings.rate_token_burst),
        ),
        token_secret=keys,
        max_image_bytes=settings.max_image_bytes,
        max_image_pixels=settings.max_image_pixels,
        public_url=settings.public_url,
        echo_secrets=settings.echo_secrets,
    )


def build(infra: Infrastructure) -> ServiceUnit:
    clave_secret = infra.settings.citizen_key_secret.get_secret_value().encode()
    repository = PgCaptureRepository(infra.pool, infra.keyring, clave_secret)
    # Pipelined: under load a pass finds several events, sent together and acknowledged once.
    relay = OutboxRelay(
        repository, infra.publisher, SERVICE, interval_s=infra.settings.outbox_interval_s,
        pipelined=True,
    )  # fmt: skip
    certificates = CertificateService(
        repository, infra.clock, institute_key(infra.settings.signing_key_file), infra.store
    )
    keys, revocations = checked_keys(infra.settings, infra.pool)
    service = CaptureService(
        repository, infra.store, infra.clock, on_stored=relay.nudge, certify=certificates.make,
        revocations=revocations, processes=RecentProcesses(repository.process),
    )  # fmt: skip
    app = create_app(http_api(infra, repository, service, certificates, keys))
    unit = ServiceUnit(
        SERVICE,
        "apoyo_capture",
        tasks=[relay.run_forever, revocations.refresh_forever],
        routes=[Mount("", app=app)],
        extra={"repository": repository, "relay": relay, "service": service},
        statements=repository.statements,
    )
    # In batches, even at a trickle: one fetch and one offset commit a batch instead of a
    # message (a failed batch is applied again one by one).
    handlers = (on_verified_many(repository), on_verified(repository))
    consume_batch(infra, unit, SUPPORT_VERIFIED, *handlers, VERDICTS, TRICKLE)
    return unit
