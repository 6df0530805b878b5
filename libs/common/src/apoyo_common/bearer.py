"""Plain Starlette routes' share of the HTTP rules (interfaces.md §5): who is calling, from
the bearer token, and refusals as `{"error": CODE, "detail": ...}` with a Spanish detail."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from apoyo_common.tokens import InvalidToken, Keys, Principal, verify


def refusal(status: int, code: str, detail: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def caller(request: Request, secret: Keys) -> Principal | None:
    """The token's principal; None when there is no valid, unexpired bearer token."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        return verify(secret, token.strip())
    except InvalidToken:
        return None


UNAUTHORIZED = (401, "unauthorized", "falta el token Bearer, o es inválido, vencido o revocado")
