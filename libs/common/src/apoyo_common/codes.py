"""Status codes of a support: the legal categories of domain.md, plus RECIBIDO."""

from enum import StrEnum


class Status(StrEnum):
    RECIBIDO = "RECIBIDO"
    EN_LISTA_NOMINAL = "EN_LISTA_NOMINAL"
    DUPLICADO_MISMO_ASPIRANTE = "DUPLICADO_MISMO_ASPIRANTE"
    DUPLICADO_OTRO_ASPIRANTE = "DUPLICADO_OTRO_ASPIRANTE"
    EN_PADRON_NO_LN = "EN_PADRON_NO_LN"
    BAJA = "BAJA"
    FUERA_AMBITO = "FUERA_AMBITO"
    NO_ENCONTRADO = "NO_ENCONTRADO"
    DATOS_NO_COINCIDEN = "DATOS_NO_COINCIDEN"
    INCONSISTENCIA = "INCONSISTENCIA"
    PENDIENTE_REVISION = "PENDIENTE_REVISION"


class Channel(StrEnum):
    AUXILIAR = "AUXILIAR"
    AUTOSERVICIO = "AUTOSERVICIO"
    CEDULA_PAPEL = "CEDULA_PAPEL"


class EvidenceKind(StrEnum):
    CREDENTIAL_FRONT = "credential_front"
    CREDENTIAL_BACK = "credential_back"
    SIGNATURE = "signature"
    SELFIE = "selfie"


class Role(StrEnum):
    OPLE = "ople"
    ASPIRANT = "aspirant"
    AUXILIARY = "auxiliary"
    CITIZEN = "citizen"


class Situacion(StrEnum):
    """A citizen's standing in a voter-roll cut (interfaces.md §4)."""

    LN = "LN"  # in the Lista Nominal: may support
    PADRON = "PADRON"  # registered, not in the LN (e.g. credential never collected)
    BAJA = "BAJA"  # removed, with a CausaBaja


class CausaBaja(StrEnum):
    """Why a record was removed from the padrón (domain.md, `BAJA` + cause)."""

    DEFUNCION = "DEFUNCION"
    SUSPENSION_DERECHOS = "SUSPENSION_DERECHOS"
    PERDIDA_VIGENCIA = "PERDIDA_VIGENCIA"
    CANCELACION_TRAMITE = "CANCELACION_TRAMITE"
    DUPLICADO_PADRON = "DUPLICADO_PADRON"
    DOMICILIO_IRREGULAR = "DOMICILIO_IRREGULAR"
    USURPACION = "USURPACION"
