"""Why the capture service refuses a request: one stable code, its status and a Spanish detail."""

from typing import Any

PROBLEMS: dict[str, tuple[int, str]] = {
    "token_invalid": (401, "el enlace o token no es válido"),
    "token_used": (409, "este enlace ya se usó para registrar un apoyo"),
    "token_expired": (401, "el enlace o token venció"),
    "token_revoked": (401, "el registro de este auxiliar fue revocado"),
    "code_unknown": (404, "no existe esa solicitud de código"),
    "code_used": (409, "ese código ya se usó"),
    "code_expired": (422, "el código venció; solicite otro"),
    "code_wrong": (422, "el código no coincide"),
    "too_many_attempts": (429, "demasiados intentos; solicite otro código"),
    "capture_not_open": (422, "el periodo de captación aún no comienza"),
    "capture_closed": (422, "el periodo de captación terminó"),
    "upload_late": (422, "el plazo para enviar apoyos captados en el periodo terminó"),
    "captured_in_future": (422, "la hora de captura es posterior a la recepción"),
    "consent_mismatch": (422, "el texto de consentimiento no es el vigente"),
    "auxiliary_taken": (409, "esa persona ya es auxiliar de un aspirante en este proceso"),
    "unsupported_media_type": (415, "el archivo no es una imagen JPEG, PNG ni WebP"),
    "image_too_large": (413, "la imagen excede el número máximo de píxeles"),
    "invalid_image": (422, "la imagen está dañada o incompleta"),
    "sheet_code_missing": (
        422,
        "la hoja escaneada (parte 'signature') no muestra el código QR de una cédula",
    ),
    "sheet_other_aspirant": (422, "la cédula escaneada es de otro proceso o aspirante"),
}


class Refused(Exception):
    """A request the service will not take; `status` and `code` reach the client."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str | dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.detail, self.headers = status, code, detail, headers

    @classmethod
    def of(cls, code: str, detail: str | dict[str, Any] | None = None) -> "Refused":
        status, text = PROBLEMS[code]
        return cls(status, code, text if detail is None else detail)


def refuse_if(code: str | None) -> None:
    if code is not None:
        raise Refused.of(code)
