"""Pure verification rules of the foundation.

No classification rule exists yet (they come with the verification issue), so every support
stays `RECIBIDO`: a status is never invented.
"""

from datetime import datetime

from apoyo_common.codes import Status
from apoyo_common.messages import IdentityDecoded, SupportVerified


def verify(decoded: IdentityDecoded, now: datetime) -> SupportVerified:
    return SupportVerified(
        support_id=decoded.support_id,
        process_id=decoded.process_id,
        aspirant_id=decoded.aspirant_id,
        channel=decoded.channel,
        received_at=decoded.received_at,
        citizen_key=decoded.citizen_key,
        status=Status.RECIBIDO,
        reasons=(),
        email=decoded.form.email,
        verified_at=now,
    )
