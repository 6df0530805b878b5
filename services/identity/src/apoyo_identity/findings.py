"""What the CPU-bound analysis of one image found: plain data that crosses process bounds."""

from dataclasses import dataclass, field

from apoyo_common.codes import EvidenceKind
from apoyo_identity.rules.mrz import MrzRead

FRONT, BACK = EvidenceKind.CREDENTIAL_FRONT.value, EvidenceKind.CREDENTIAL_BACK.value


@dataclass(frozen=True)
class Code:
    format: str
    kind: str
    text: str


@dataclass(frozen=True)
class ImageFindings:
    mrz: MrzRead | None = None
    barcodes: tuple[Code, ...] = ()
    flags: tuple[str, ...] = ()
    phash: int | None = None
    width: int = 0
    height: int = 0
    ms: float = 0.0
    unreadable: bool = False  # not an image we could decode at all


@dataclass(frozen=True)
class SupportFindings:
    """Per evidence kind (credential_front, credential_back, selfie, signature)."""

    images: dict[str, ImageFindings] = field(default_factory=dict)

    def get(self, kind: str) -> ImageFindings | None:
        return self.images.get(kind)
