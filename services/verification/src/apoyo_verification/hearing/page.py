"""The aspirant's hearing page (Spanish, accessible), which uses the hearing's JSON routes.

The aspirant signs in by pasting the token the institute issued (`apoyo token issue --role
aspirant`): it stays in the tab's sessionStorage and goes as `Authorization: Bearer`; images
are fetched the same way and shown from `blob:` URLs.
"""

from html import escape

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from apoyo_common.codes import Status
from apoyo_verification.hearing.domain import ARGUMENT_MAX, ARGUMENT_MIN, HEARD
from apoyo_verification.web import page, static_text

PAGE_PATH = "/audiencia"
STATUS_WORDS = {
    Status.EN_LISTA_NOMINAL: "Válido tras la impugnación: cuenta",
    Status.DUPLICADO_MISMO_ASPIRANTE: "Duplicado con otro apoyo al mismo aspirante",
    Status.DUPLICADO_OTRO_ASPIRANTE: "Duplicado: ya apoyaba a otro aspirante",
    Status.EN_PADRON_NO_LN: "En el padrón, no en la lista nominal",
    Status.BAJA: "Baja del padrón",
    Status.FUERA_AMBITO: "Fuera del ámbito geográfico",
    Status.NO_ENCONTRADO: "No encontrado en la lista nominal",
    Status.DATOS_NO_COINCIDEN: "Los datos no coinciden",
    Status.INCONSISTENCIA: "Inconsistencia en la evidencia",
    Status.PENDIENTE_REVISION: "Pendiente de revisión en la mesa de control",
}


REASON_WORDS = {
    "FUERA_DE_PLAZO": "Capturado o recibido fuera del plazo",
    "FOTOCOPIA": "Credencial en blanco y negro o fotocopia",
    "SIMULACION": "Una imagen ya se había usado en otro apoyo",
    "SOLO_ANVERSO_O_REVERSO": "Falta el frente o el reverso, o son la misma foto",
    "FOTO_VIVA_NO_VALIDA": "Falta la foto viva o no muestra un rostro",
    "SIN_FIRMA": "Sin firma",
    "FIRMA_NO_VALIDA": "Firma no válida",
    "ILEGIBLE": "No se pudo leer la credencial",
    "CREDENCIAL_NO_VALIDA": "Credencial no válida (vencida o fotografiada de una pantalla)",
    "DOCUMENTO_NO_VALIDO": "No es una credencial para votar",
    "CURP_CLAVE_INCONSISTENTE": "CURP y clave de elector no concuerdan",
    "EVIDENCIA_ALTERADA": "Una imagen guardada no coincide con la enviada",
    "SUPLANTACION": "La mesa de control confirmó que la persona no dio este apoyo",
    "CIC": "El CIC no coincide",
    "OCR": "El OCR no coincide",
    "SECCION": "La sección no coincide",
    "CLAVE_ELECTOR": "La clave de elector no coincide",
    "EMISION": "La emisión no coincide",
    "APELLIDO_PATERNO": "El apellido paterno no coincide",
    "APELLIDO_MATERNO": "El apellido materno no coincide",
    "APELLIDOS": "Los apellidos leídos de la credencial no coinciden",
    "NOMBRE": "El nombre no coincide",
    "FECHA_NACIMIENTO": "La fecha de nacimiento no coincide",
    "ENTIDAD": "Otra entidad federativa",
    "DISTRITO_FEDERAL": "Otro distrito federal",
    "DISTRITO_LOCAL": "Otro distrito local",
    "MUNICIPIO": "Otro municipio",
    "DEFUNCION": "Baja por defunción",
    "SUSPENSION_DERECHOS": "Baja por suspensión de derechos",
    "PERDIDA_VIGENCIA": "Baja por pérdida de vigencia",
    "CANCELACION_TRAMITE": "Baja por cancelación del trámite",
    "DUPLICADO_PADRON": "Baja por registro duplicado",
    "DOMICILIO_IRREGULAR": "Baja por domicilio irregular",
    "USURPACION": "Baja por usurpación de identidad",
}


def options(words: dict[str, str]) -> str:
    return '<option value="">Todos</option>' + "".join(
        f'<option value="{code}">{escape(word)}</option>' for code, word in words.items()
    )


def page_html() -> str:
    shown = (*HEARD, Status.EN_LISTA_NOMINAL)  # the last: contests the desk upheld
    statuses = options({s.value: STATUS_WORDS[s] for s in shown})
    html = static_text("hearing.html").replace("{statuses}", statuses)
    html = html.replace("{reasons}", options(REASON_WORDS))
    return html.replace("{min}", str(ARGUMENT_MIN)).replace("{max}", str(ARGUMENT_MAX))


async def _page(_: Request) -> Response:
    return page(page_html())


def page_routes() -> list[BaseRoute]:
    return [Route(PAGE_PATH, _page, methods=["GET"], name="hearing_page", include_in_schema=False)]
