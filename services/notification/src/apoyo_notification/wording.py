"""Plain Spanish words for each status and reason code a citizen may receive.

Codes are those of `apoyo_common.codes.Status` and of verification's reasons
(docs/verification.md): evidence problems, the fields that disagree, the territorial units
that differ and the causes of a `BAJA`. A code this table does not know (a new flag) is still
named, so nothing is hidden from the citizen.
"""

from apoyo_common.codes import Status

STATUS: dict[Status, str] = {
    Status.RECIBIDO: "Recibimos tu apoyo; todavía está en proceso de verificación.",
    Status.EN_LISTA_NOMINAL: (
        "Tu apoyo es válido: encontramos tus datos en la lista nominal de electores."
    ),
    Status.DUPLICADO_MISMO_ASPIRANTE: (
        "Tu apoyo no se cuenta otra vez: ya habías dado tu apoyo a esta misma persona aspirante."
    ),
    Status.DUPLICADO_OTRO_ASPIRANTE: (
        "Tu apoyo no se cuenta: en este proceso también apoyaste a otra persona aspirante."
    ),
    Status.EN_PADRON_NO_LN: (
        "Estás en el padrón electoral, pero no en la lista nominal (por ejemplo, si no has "
        "recogido tu credencial); por eso tu apoyo no se cuenta."
    ),
    Status.BAJA: (
        "Tu registro fue dado de baja del padrón electoral; por eso tu apoyo no se cuenta."
    ),
    Status.FUERA_AMBITO: (
        "Tu domicilio electoral no está en el territorio de este proceso; por eso tu apoyo no "
        "se cuenta."
    ),
    Status.NO_ENCONTRADO: "No encontramos tus datos en la lista nominal que usa este proceso.",
    Status.DATOS_NO_COINCIDEN: (
        "Algunos datos de tu apoyo no coinciden con tu credencial o con la lista nominal."
    ),
    Status.INCONSISTENCIA: "Tu apoyo tiene una inconsistencia y por eso no se cuenta.",
    Status.PENDIENTE_REVISION: (
        "Una persona del instituto revisará tu apoyo; te avisaremos cuando haya un resultado."
    ),
}

REASONS: dict[str, str] = {
    # Evidence and timing (INCONSISTENCIA, PENDIENTE_REVISION)
    "FUERA_DE_PLAZO": "se capturó o se recibió fuera del plazo para reunir apoyos",
    "FOTOCOPIA": "la credencial aparece en blanco y negro o es una fotocopia",
    "SIMULACION": "una de las imágenes ya se había usado en otro apoyo",
    "SOLO_ANVERSO_O_REVERSO": "falta el frente o el reverso de la credencial, o son la misma foto",
    "FOTO_VIVA_NO_VALIDA": "falta la foto de tu rostro o en ella no se ve un rostro",
    "SIN_FIRMA": "falta tu firma",
    "ILEGIBLE": "no se pudo leer la credencial en las fotos",
    "CREDENCIAL_NO_VALIDA": (
        "la credencial no es válida (está vencida o se fotografió de una pantalla)"
    ),
    "EVIDENCIA_ALTERADA": "una imagen guardada no coincide con la que se envió",
    # Fields that disagree (DATOS_NO_COINCIDEN)
    "CIC": "el CIC de la credencial no coincide",
    "OCR": "el OCR de la credencial no coincide",
    "SECCION": "la sección electoral no coincide",
    "CLAVE_ELECTOR": "la clave de elector no coincide",
    "EMISION": "el año de emisión de la credencial no coincide",
    "APELLIDO_PATERNO": "el apellido paterno no coincide",
    "APELLIDO_MATERNO": "el apellido materno no coincide",
    "APELLIDOS": "los apellidos leídos de la credencial no coinciden",
    "NOMBRE": "el nombre no coincide",
    "FECHA_NACIMIENTO": "la fecha de nacimiento no coincide",
    # Territorial units that differ (FUERA_AMBITO)
    "ENTIDAD": "la entidad federativa no es la del proceso",
    "DISTRITO_FEDERAL": "el distrito electoral federal no es el del proceso",
    "DISTRITO_LOCAL": "el distrito electoral local no es el del proceso",
    "MUNICIPIO": "el municipio no es el del proceso",
    # Causes of a BAJA
    "DEFUNCION": "baja por defunción",
    "SUSPENSION_DERECHOS": "baja por suspensión de derechos político-electorales",
    "PERDIDA_VIGENCIA": "baja por pérdida de vigencia de la credencial",
    "CANCELACION_TRAMITE": "baja por cancelación del trámite",
    "DUPLICADO_PADRON": "baja por registro duplicado en el padrón",
    "DOMICILIO_IRREGULAR": "baja por domicilio irregular",
    "USURPACION": "baja por usurpación de identidad",
}

STATUS_SHORT: dict[Status, str] = {
    Status.RECIBIDO: "recibidos, en verificación",
    Status.EN_LISTA_NOMINAL: "válidos (en lista nominal)",
    Status.DUPLICADO_MISMO_ASPIRANTE: "duplicados con usted",
    Status.DUPLICADO_OTRO_ASPIRANTE: "duplicados con otra persona aspirante",
    Status.EN_PADRON_NO_LN: "en padrón, no en lista nominal",
    Status.BAJA: "dados de baja del padrón",
    Status.FUERA_AMBITO: "fuera del ámbito territorial",
    Status.NO_ENCONTRADO: "no encontrados",
    Status.DATOS_NO_COINCIDEN: "con datos que no coinciden",
    Status.INCONSISTENCIA: "con inconsistencias",
    Status.PENDIENTE_REVISION: "pendientes de revisión",
}


def reason(code: str) -> str:
    return REASONS.get(code, f"otro motivo (código {code})")
