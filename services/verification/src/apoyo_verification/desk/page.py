"""The review desk page (`/mesa`) and the institute's overview page (`/instituto`), role `ople`,
Spanish, accessible; both use the reviewer routes (review_http, review_reads) and export's
`GET /v1/exports?process_id=`, like every other client. The reviewer pastes an `ople` token;
it stays in the tab's sessionStorage and goes as `Authorization: Bearer`.

The decision keys are chosen here and shown on the page beside each button: V for valid, the
digits for the commonest evidence problems in the order a reviewer meets them on the card
(copy, reuse, not a credential, expired or screen, one side only, unreadable, selfie,
signature missing, signature wrong, CURP/clave), then letters for the rest, and O to skip."""

import json
from html import escape

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from apoyo_verification.desk.decision import REASONS
from apoyo_verification.hearing.page import REASON_WORDS, STATUS_WORDS
from apoyo_verification.web import page, static_text

DESK_PATH = "/mesa"
OVERVIEW_PATH = "/instituto"
VALID_KEY = "v"
SKIP_KEY = "o"
REASON_KEYS = {
    "1": "FOTOCOPIA",
    "2": "SIMULACION",
    "3": "DOCUMENTO_NO_VALIDO",
    "4": "CREDENCIAL_NO_VALIDA",
    "5": "SOLO_ANVERSO_O_REVERSO",
    "6": "ILEGIBLE",
    "7": "FOTO_VIVA_NO_VALIDA",
    "8": "SIN_FIRMA",
    "9": "FIRMA_NO_VALIDA",
    "0": "CURP_CLAVE_INCONSISTENTE",
    "a": "EVIDENCIA_ALTERADA",
    "s": "SUPLANTACION",
}
assert set(REASON_KEYS.values()) == REASONS  # every reason the desk takes has its key


# The hearing's words speak to the aspirant after a contest; at the desk, plainly.
DESK_WORDS = {"EN_LISTA_NOMINAL": "En la lista nominal: cuenta"}


def _button(key: str, label: str, ruling: str, reason: str = "") -> str:
    return (
        f'<button type="button" class="decide" data-key="{key}" data-ruling="{ruling}" '
        f'data-reason="{reason}" aria-keyshortcuts="{key.upper()}">'
        f"<kbd>{key.upper()}</kbd> {escape(label)}</button>"
    )


def decision_buttons() -> str:
    valid = _button(VALID_KEY, "Válido", "VALIDO")
    wrong = "".join(
        _button(key, REASON_WORDS[code], "INCONSISTENCIA", code)
        for key, code in REASON_KEYS.items()
    )
    return valid + wrong


def desk_html() -> str:
    words = {s.value: w for s, w in STATUS_WORDS.items()} | REASON_WORDS | DESK_WORDS
    html = static_text("desk.html").replace("{buttons}", decision_buttons())
    html = html.replace("{skip}", SKIP_KEY.upper())
    return html.replace("{words}", escape(json.dumps(words, ensure_ascii=False)))


async def _desk(_: Request) -> Response:
    return page(desk_html())


async def _overview(_: Request) -> Response:
    return page(static_text("overview.html"))


def page_routes() -> list[BaseRoute]:
    return [
        Route(DESK_PATH, _desk, methods=["GET"], name="desk_page", include_in_schema=False),
        Route(
            OVERVIEW_PATH, _overview, methods=["GET"], name="overview_page", include_in_schema=False
        ),
    ]
