"""The five services by name, in pipeline order."""

from collections.abc import Callable

from apoyo_capture import bootstrap as capture
from apoyo_common.runtime import Infrastructure, ServiceUnit
from apoyo_export import bootstrap as export
from apoyo_identity import bootstrap as identity
from apoyo_notification import bootstrap as notification
from apoyo_verification import bootstrap as verification

BUILDERS: dict[str, Callable[[Infrastructure], ServiceUnit]] = {
    "capture": capture.build,
    "identity": identity.build,
    "verification": verification.build,
    "notification": notification.build,
    "export": export.build,
}


def build_all(infra: Infrastructure) -> list[ServiceUnit]:
    return [build(infra) for build in BUILDERS.values()]
