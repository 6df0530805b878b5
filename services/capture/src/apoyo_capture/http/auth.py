"""Bearer tokens on the capture API: the principal, and the token's hash for grants."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Request

from apoyo_capture.access import require_aspirant
from apoyo_capture.grants import token_digest
from apoyo_capture.refusals import Refused
from apoyo_capture.service import Caller
from apoyo_common.codes import Role
from apoyo_common.tokens import InvalidToken, VerifiedTokens

MAX_USER_AGENT = 400


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "desconocida"


Gate = Callable[..., Awaitable[Caller]]


def bearer(tokens: VerifiedTokens) -> Gate:
    """A FastAPI dependency: the verified caller, or 401. Asynchronous, like every gate here:
    FastAPI runs a plain function in a thread, a hop that cost more than the checks."""

    async def caller(
        request: Request, authorization: Annotated[str | None, Header()] = None
    ) -> Caller:
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Refused(401, "unauthorized", "falta el token Bearer")
        try:
            principal = tokens.verify(token)
        except InvalidToken:
            raise Refused(401, "unauthorized", "token inválido, vencido o revocado") from None
        agent = request.headers.get("user-agent")
        return Caller(
            principal,
            token_digest(token),
            client_ip(request),
            agent[:MAX_USER_AGENT] if agent else None,
        )

    return caller


def with_role(base: Gate, *allowed: Role) -> Gate:
    """The caller, or 403 when its role may not use the route: decided before any body is read."""

    async def gate(who: Annotated[Caller, Depends(base)]) -> Caller:
        if who.principal.role not in allowed:
            raise Refused(403, "forbidden", "este rol no puede usar esta ruta")
        return who

    return gate


def acting_for_aspirant(base: Gate) -> Gate:
    """The caller of a route under /processes/{process_id}/aspirants/{aspirant_id}: the
    institute or that aspirant (apoyo_common.roles), or 403 before anything is read."""

    async def gate(
        process_id: str, aspirant_id: str, who: Annotated[Caller, Depends(base)]
    ) -> Caller:
        require_aspirant(who.principal, process_id, aspirant_id)
        return who

    return gate
