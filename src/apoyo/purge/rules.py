"""When a process may be purged: after its capture, its upload grace and its hearing, and
with nothing left open on the review desk (contests, reports, reviews)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from apoyo_common.processes import ProcessDefinition

UPLOAD_GRACE = timedelta(hours=24)  # capture's guards: what was captured in time may arrive late
HEARING = timedelta(days=5)  # the garantía de audiencia after the capture (2018: 5 days)


class PurgeRefused(Exception):
    """Why not now, in words for the institute's operator."""


@dataclass(frozen=True)
class Standing:
    """What the deployment says about the process right now."""

    definition: ProcessDefinition | None
    open_referrals: int
    purged_at: datetime | None


def earliest_purge(definition: ProcessDefinition) -> datetime:
    return definition.capture.end + UPLOAD_GRACE + HEARING


def check(process_id: str, standing: Standing, now: datetime) -> ProcessDefinition:
    """The definition when the purge may go ahead; PurgeRefused otherwise."""
    if standing.purged_at is not None:
        raise PurgeRefused(f"{process_id}: ya se depuró el {standing.purged_at.isoformat()}")
    if standing.definition is None:
        raise PurgeRefused(f"{process_id}: proceso desconocido")
    earliest = earliest_purge(standing.definition)
    if now < earliest:
        raise PurgeRefused(
            f"{process_id}: el proceso no ha terminado (captura, carga tardía y garantía de "
            f"audiencia); se puede depurar desde {earliest.isoformat()}"
        )
    if standing.open_referrals:
        raise PurgeRefused(
            f"{process_id}: hay {standing.open_referrals} asuntos abiertos en la mesa de "
            "control (impugnaciones de la audiencia, reportes o revisiones): resuélvalos antes"
        )
    return standing.definition
