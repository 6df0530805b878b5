"""Pure verification rules of the foundation.

No classification rule exists yet (they come with the verification issue), so every support
stays `RECIBIDO`: a status is never invented.
"""

from datetime import datetime

from apoyo_common.codes import Status
from apoyo_common.messages import IdentityDecoded, SupportVerified


def verify(decoded: IdentityDecoded, now: datetime) -> SupportVerified:
    return SupportVerified(
        **decoded.envelope(),
        status=Status.RECIBIDO,
        reasons=(),
        email=decoded.form.email,
        verified_at=now,
    )
