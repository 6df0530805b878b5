"""Everything the HTTP routes call into, built once by the wiring module."""

from dataclasses import dataclass, field

from fastapi import Request

from apoyo_capture.certificates import CertificateService
from apoyo_capture.http.auth import Gate, acting_for_aspirant, bearer, with_role
from apoyo_capture.http.limits import RateLimits
from apoyo_capture.invitations import InvitationService
from apoyo_capture.records import SupportRecords
from apoyo_capture.registry import AuxiliaryRegistry
from apoyo_capture.self_service import SelfService
from apoyo_capture.service import CaptureService
from apoyo_common.access.entries import AccessLog
from apoyo_common.codes import Role
from apoyo_common.tokens import Keys, VerifiedTokens


@dataclass
class CaptureApi:
    capture: CaptureService
    invitations: InvitationService
    self_service: SelfService
    registry: AuxiliaryRegistry
    certificates: CertificateService
    access: AccessLog  # every read of personal data is recorded here
    limits: RateLimits
    records: SupportRecords
    token_secret: Keys  # the token keyring (or one secret)
    max_image_bytes: int
    max_image_pixels: int
    public_url: str = ""
    echo_secrets: bool = False  # demo and tests: answers carry links and codes
    tokens: VerifiedTokens = field(init=False)  # the keyring's checks, remembered per token

    def __post_init__(self) -> None:
        self.tokens = VerifiedTokens(self.token_secret)

    @property
    def caller(self) -> Gate:
        return bearer(self.tokens)

    @property
    def capturer(self) -> Gate:
        """Only auxiliaries and citizens send supports."""
        return with_role(self.caller, Role.AUXILIARY, Role.CITIZEN)

    @property
    def for_aspirant(self) -> Gate:
        """The institute or the aspirant named in the route's path."""
        return acting_for_aspirant(self.caller)

    def base_url(self, request: Request) -> str:
        return (self.public_url or str(request.base_url)).rstrip("/")
