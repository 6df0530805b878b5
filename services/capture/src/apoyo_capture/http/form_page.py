"""The citizen web form (issue 5, item 5): the HTML of one page with every step, served at an
invitation link. The behaviour lives in static/form.js, the look in static/form.css; the
page carries no inline script or style, so a strict Content-Security-Policy holds.

The consent text shown is exactly the one `GET /v1/processes/{p}/aspirants/{a}/consent`
serves; its SHA-256 travels in a data attribute and comes back as `consent_sha256`.
"""

from html import escape

from apoyo_capture.consent import consent_sha256, consent_text
from apoyo_common.processes import ProcessDefinition

PRIVACY_NOTICE = (
    "Aviso de privacidad simplificado: el Organismo Público Local Electoral es responsable de "
    "sus datos personales. Los usa solo para verificar su apoyo ciudadano contra la lista "
    "nominal y para la garantía de audiencia del aspirante; no los transfiere salvo a las "
    "autoridades electorales y jurisdiccionales que la ley señala. Puede ejercer sus derechos "
    "de acceso, rectificación, cancelación y oposición ante la unidad de transparencia del "
    "Instituto."
)


def _field(
    name: str,
    label: str,
    hint: str,
    *,
    required: bool = False,
    pattern: str = "",
    kind: str = "text",
    extra: str = "",
) -> str:
    needed = ' required aria-required="true"' if required else ""
    tag = "" if required else ' <span class="optional">(opcional)</span>'
    pattern_attr = f' pattern="{pattern}"' if pattern else ""
    return (
        f'<div class="field"><label for="f-{name}">{escape(label)}{tag}</label>'
        f'<p class="hint" id="f-{name}-hint">{escape(hint)}</p>'
        f'<input id="f-{name}" name="{name}" type="{kind}"{needed}{pattern_attr}{extra} '
        f'aria-describedby="f-{name}-hint f-{name}-error">'
        f'<p class="error" id="f-{name}-error" hidden></p></div>'
    )


def _photo(name: str, label: str, guidance: str, capture: str) -> str:
    return (
        f'<div class="field photo"><label for="f-{name}">{escape(label)}</label>'
        f'<p class="hint" id="f-{name}-hint">{escape(guidance)}</p>'
        f'<input id="f-{name}" name="{name}" type="file" accept="image/*" capture="{capture}" '
        f'required aria-required="true" aria-describedby="f-{name}-hint f-{name}-error">'
        f'<p class="error" id="f-{name}-error" hidden></p>'
        f'<img class="preview" id="f-{name}-preview" alt="Vista previa: {escape(label)}" hidden>'
        "</div>"
    )


def _step(number: int, key: str, title: str, body: str, *, last: bool = False) -> str:
    back = (
        '<button type="button" class="secondary" data-action="back">Anterior</button>'
        if number > 1 and key != "consent"
        else ""
    )
    forward = (
        ""
        if last or key == "email"
        else '<button type="button" class="primary" data-action="next">Siguiente</button>'
    )
    return (
        f'<section class="step" id="step-{key}" data-step="{key}" aria-labelledby="h-{key}" '
        f'hidden><h2 id="h-{key}" tabindex="-1">{escape(title)}</h2>{body}'
        f'<div class="nav">{back}{forward}</div></section>'
    )


NAMES = (
    _field("nombre", "Nombre(s)", "Como aparece en su credencial.", required=True,
           extra=' autocomplete="given-name" maxlength="100"')
    + _field("apellido_paterno", "Primer apellido", "Como aparece en su credencial.",
             required=True, extra=' autocomplete="family-name" maxlength="100"')
    + _field("apellido_materno", "Segundo apellido", "Déjelo vacío si su credencial no lo tiene.",
             extra=' maxlength="100"')
)  # fmt: skip
IDENTIFIERS = (
    _field("clave_elector", "Clave de elector",
           "18 caracteres: 6 letras, 8 números, H, M o X y 3 números.", required=True,
           pattern="[A-Za-z]{6}[0-9]{8}[HMXhmx][0-9]{3}",
           extra=' maxlength="18" autocapitalize="characters" spellcheck="false"')
    + _field("ocr", "OCR", "13 números, al reverso de la credencial.",
             pattern="[0-9]{13}", extra=' inputmode="numeric" maxlength="13"')
    + _field("cic", "CIC", "9 números, al reverso de la credencial.",
             pattern="[0-9]{9}", extra=' inputmode="numeric" maxlength="9"')
    + _field("seccion", "Sección", "4 números, al frente de la credencial.",
             pattern="[0-9]{4}", extra=' inputmode="numeric" maxlength="4"')
    + _field("emision", "Emisión", "2 números: el número de emisión de su credencial.",
             pattern="[0-9]{2}", extra=' inputmode="numeric" maxlength="2"')
)  # fmt: skip

SIGNATURE = (
    '<fieldset><legend>¿Cómo firmará?</legend>'
    '<div class="choice"><input type="radio" id="f-sig-draw" name="signature_mode" value="draw" '
    'checked><label for="f-sig-draw">Dibujar mi firma en la pantalla</label></div>'
    '<div class="choice"><input type="radio" id="f-sig-typed" name="signature_mode" '
    'value="typed"><label for="f-sig-typed">No puedo dibujarla: escribiré mi nombre completo y '
    "confirmaré</label></div></fieldset>"
    '<div id="sig-draw" class="field"><p class="hint" id="sig-pad-hint">Firme dentro del '
    "recuadro con el dedo o con el ratón.</p>"
    '<canvas id="sig-pad" width="600" height="220" role="img" '
    'aria-label="Recuadro para dibujar su firma" aria-describedby="sig-pad-hint sig-pad-error">'
    "</canvas>"
    '<p class="error" id="sig-pad-error" hidden></p>'
    '<button type="button" class="secondary" data-action="clear-signature">Borrar firma</button>'
    "</div>"
    '<div id="sig-typed" hidden>'
    + _field("typed_name", "Su nombre completo", "Se guardará como imagen en lugar de su firma.",
             extra=' autocomplete="name" maxlength="200"')
    + '<div class="field choice"><input type="checkbox" id="f-typed_confirm" name="typed_confirm" '
    'aria-describedby="f-typed_confirm-error"><label for="f-typed_confirm">Confirmo que escribir '
    "mi nombre completo tiene el mismo valor que mi firma para este apoyo.</label>"
    '<p class="error" id="f-typed_confirm-error" hidden></p></div></div>'
)  # fmt: skip

REVIEW = (
    "<p>Revise sus datos. Si algo está mal, vuelva al paso correspondiente con «Anterior».</p>"
    '<dl id="review-list"></dl><div id="review-images" class="thumbs"></div>'
    '<p id="review-offline" class="hint">Si no tiene conexión, su apoyo queda guardado en este '
    "dispositivo y se enviará solo cuando vuelva la conexión, con la hora en que lo envió.</p>"
    '<button type="button" class="primary" data-action="submit">Enviar mi apoyo</button>'
)
DONE = (
    '<p id="done-text"></p><p>Folio: <strong id="done-id"></strong></p>'
    '<button type="button" class="secondary" data-action="certificate">'
    "Descargar mi constancia (PDF)</button>"
    '<a id="certificate-link" hidden download="constancia.pdf">Abrir la constancia</a>'
)


EMAIL = (
    "<p>Primero comprobaremos su correo electrónico: le enviaremos un código de seis números, "
    "válido por 24 horas, que sirve para un solo apoyo.</p>"
    + _field("email", "Correo electrónico", "Donde recibirá el código y su constancia.",
             required=True, kind="email", extra=' autocomplete="email" maxlength="254"')
    + '<button type="button" class="primary" data-action="request-code">Enviarme el código'
    "</button>"
    '<div id="code-box" hidden>'
    + _field("code", "Código recibido", "Los seis números del correo que le enviamos.",
             required=True, pattern="[0-9]{6}",
             extra=' inputmode="numeric" maxlength="6" autocomplete="one-time-code"')
    + '<button type="button" class="primary" data-action="verify-code">Comprobar el código'
    "</button></div>"
)  # fmt: skip


def form_html(
    process: ProcessDefinition, aspirant_id: str, aspirant: str, expires: str | None = None
) -> str:
    """The body of the citizen form for one process and aspirant (escaped throughout). With
    `expires` (an invitation) the link is the token; without it (the campaign link) the
    citizen first proves an e-mail address and gets a self-service token."""
    consent = consent_text(process, aspirant_id)
    lead = (
        f'<p class="lead">Apoyo para <strong>{escape(aspirant)}</strong>. Este enlace es '
        "personal y sirve para un solo apoyo; abrirlo no lo usa. Vence el "
        f"{escape(expires)}.</p>"
        if expires is not None
        else f'<p class="lead">Apoyo para <strong>{escape(aspirant)}</strong> en el proceso '
        f"«{escape(process.name)}».</p>"
    )
    consent_body = (
        lead + "<h3>Declaración de apoyo</h3>"
        f'<p id="consent-text" class="consent">{escape(consent)}</p>'
        f"<h3>Aviso de privacidad</h3><p>{escape(PRIVACY_NOTICE)}</p>"
        '<div class="field choice"><input type="checkbox" id="f-consent" name="consent" '
        'required aria-required="true" aria-describedby="f-consent-error">'
        '<label for="f-consent">He leído la declaración y el aviso de privacidad, y doy mi '
        "apoyo.</label>"
        '<p class="error" id="f-consent-error" hidden></p></div>'
    )
    photos = _photo(
        "credential_front",
        "Frente de la credencial",
        "Ponga la credencial sobre una superficie oscura, con buena luz y sin reflejos; que se "
        "vean las cuatro esquinas y se lean todos los datos.",
        "environment",
    ) + _photo(
        "credential_back",
        "Reverso de la credencial",
        "Voltee la credencial: que se lean las tres líneas de letras y números de la parte "
        "de abajo y los códigos.",
        "environment",
    )
    selfie = _photo(
        "selfie",
        "Fotografía de su rostro",
        "Mire a la cámara con la cara descubierta y buena luz; no fotografíe otra foto ni una "
        "pantalla.",
        "user",
    )
    steps = [] if expires is not None else [("email", "Su correo electrónico", EMAIL)]
    steps += [
        ("consent", "Declaración de apoyo y aviso de privacidad", consent_body),
        ("names", "Su nombre", NAMES),
        ("ids", "Datos de su credencial", IDENTIFIERS),
        ("photos", "Fotografías de su credencial", photos),
    ]
    if process.require_selfie:
        steps.append(("selfie", "Fotografía de su rostro", selfie))
    steps += [("signature", "Firma", SIGNATURE), ("review", "Revisión y envío", REVIEW)]
    sections = "".join(
        _step(i, key, f"{i}. {title}", body, last=key == "review")
        for i, (key, title, body) in enumerate(steps, start=1)
    )
    done = (
        '<section class="step" id="step-done" data-step="done" aria-labelledby="h-done" '
        'hidden><h2 id="h-done" tabindex="-1">Apoyo enviado</h2>' + DONE + "</section>"
    )
    return (
        f'<div id="form" data-entry="{"invitation" if expires is not None else "campaign"}" '
        f'data-process="{escape(process.id)}" '
        f'data-aspirant="{escape(aspirant_id)}" '
        f'data-selfie="{"true" if process.require_selfie else "false"}" '
        f'data-consent-sha256="{consent_sha256(process, aspirant_id)}">'
        '<div id="status" class="status" role="status" aria-live="polite"></div>'
        '<div id="alert" class="alert" role="alert" aria-live="assertive"></div>'
        "<noscript><p>Este formulario necesita JavaScript.</p></noscript>"
        f"{sections}{done}</div>"
    )
