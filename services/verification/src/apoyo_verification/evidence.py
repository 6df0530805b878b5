"""What identity's flags and the evidence kinds sent mean for a support (pure).

Hard problems reject the support (`INCONSISTENCIA` with the reason of domain.md); soft ones
send it to the review desk (`PENDIENTE_REVISION`), where a person looks at the pictures.
docs/verification.md has the table; identity's flags are in docs/evidence-checks.md.
"""

from apoyo_common.codes import Channel, EvidenceKind
from apoyo_common.messages import IdentityDecoded
from apoyo_common.processes import ProcessDefinition

FOTOCOPIA = "FOTOCOPIA"
SIMULACION = "SIMULACION"
SOLO_ANVERSO_O_REVERSO = "SOLO_ANVERSO_O_REVERSO"
FOTO_VIVA_NO_VALIDA = "FOTO_VIVA_NO_VALIDA"
SIN_FIRMA = "SIN_FIRMA"
ILEGIBLE = "ILEGIBLE"
CREDENCIAL_NO_VALIDA = "CREDENCIAL_NO_VALIDA"
EVIDENCIA_ALTERADA = "EVIDENCIA_ALTERADA"

COPY_FLAGS = frozenset({"GRAYSCALE", "PHOTOCOPY"})
HARD_FLAGS = COPY_FLAGS | {"REUSED_IMAGE", "ONLY_ONE_SIDE", "NO_FACE"}
SOFT_REASONS = {
    "BLURRY": ILEGIBLE,
    "TOO_SMALL": ILEGIBLE,
    "NO_MRZ": ILEGIBLE,
    "UNREADABLE_IMAGE": ILEGIBLE,
    "SCREEN_PHOTO": CREDENCIAL_NO_VALIDA,
    "EVIDENCE_HASH_MISMATCH": EVIDENCIA_ALTERADA,
}
# The MRZ was read on the picture sent as the front: the card is fine, only the labels are not.
HARMLESS_FLAGS = frozenset({"SIDES_SWAPPED"})


def _kinds(decoded: IdentityDecoded) -> set[EvidenceKind]:
    return {fact.kind for fact in decoded.evidence}


def hard_problems(decoded: IdentityDecoded, process: ProcessDefinition) -> tuple[str, ...]:
    """Every reason to reject the support on its evidence alone, in the table's order."""
    flags, kinds = set(decoded.flags), _kinds(decoded)
    # The paper regime (cédulas de respaldo) is allowed a copy of the credential.
    copied = bool(flags & COPY_FLAGS) and decoded.channel is not Channel.CEDULA_PAPEL
    sides = {EvidenceKind.CREDENTIAL_FRONT, EvidenceKind.CREDENTIAL_BACK}
    no_selfie = process.require_selfie and EvidenceKind.SELFIE not in kinds
    found = {
        FOTOCOPIA: copied,
        SIMULACION: "REUSED_IMAGE" in flags,
        SOLO_ANVERSO_O_REVERSO: "ONLY_ONE_SIDE" in flags or not sides <= kinds,
        FOTO_VIVA_NO_VALIDA: "NO_FACE" in flags or no_selfie,
        SIN_FIRMA: EvidenceKind.SIGNATURE not in kinds,
    }
    return tuple(reason for reason, present in found.items() if present)


def soft_problems(decoded: IdentityDecoded) -> tuple[str, ...]:
    """Reasons for a person to look: known flags by their reason, an unknown flag as it is."""
    ignored = HARD_FLAGS | HARMLESS_FLAGS
    reasons = [SOFT_REASONS.get(flag, flag) for flag in decoded.flags if flag not in ignored]
    return tuple(dict.fromkeys(reasons))
