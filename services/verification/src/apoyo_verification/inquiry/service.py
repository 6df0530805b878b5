"""A citizen's inquiry: find the supports registered under a clave de elector, let the citizen
see them with a receipt code (folio) or a one-time e-mailed code, and take their report.

Every way in does the same reads whatever the answer, and every failure is the same `None`:
the caller cannot tell an unknown clave from a wrong code or a clave without supports.
"""

import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apoyo_common.codes import Role
from apoyo_common.logs import get_logger
from apoyo_common.messages import EmailCodeRequested
from apoyo_common.onetime import code_digest, new_code
from apoyo_common.processes import ProcessDefinition
from apoyo_common.tokens import InvalidToken, Keys, Principal, issue, verify
from apoyo_common.topics import citizen_key
from apoyo_verification.desk.referral import Cause, Desk, Referral
from apoyo_verification.hearing.service import DeskUnavailable
from apoyo_verification.inquiry.domain import (
    CODE_TTL,
    SESSION_TTL,
    SUBJECT_PREFIX,
    LookupCode,
    Registered,
    clave_hmac,
    same_address,
)  # fmt: skip
from apoyo_verification.inquiry.ports import InquiryBook
from apoyo_verification.ports import UnknownCut, VoterRoll
from apoyo_verification.recording import CitizenKey

Found = tuple[list[Registered], list[ProcessDefinition]]
log = get_logger(__name__)


@dataclass(frozen=True)
class Seen:
    """What a citizen who proved the codes sees, and the token to report one of them."""

    supports: list[Registered]
    processes: dict[str, ProcessDefinition]
    token: str
    subject: str  # the token's: a keyed hash of the clave, what the access log names


@dataclass(frozen=True)
class Inquiry:
    book: InquiryBook
    roll: VoterRoll
    desk: Desk
    clock: Callable[[], datetime]
    token_secret: str  # the HMAC key of claves and e-mailed codes
    citizen_secret: bytes
    on_mail: Callable[[], None] = lambda: None  # the outbox relay's nudge: send it now
    token_keys: Keys | None = None  # signs and checks the session tokens; None: token_secret

    async def registered_under(self, clave: str) -> Found:
        """The supports whose citizen is this clave's: by the identificador of its records in
        each process's cut (what identity keys a card read by), and by the clave itself."""
        processes = await self.book.processes()
        citizens: list[CitizenKey] = []
        for process in processes:
            for identity in await self._identities(process, clave):
                citizens.append(
                    (process.id, citizen_key(self.citizen_secret, process.id, identity))
                )
        return await self.book.registered(citizens), processes

    async def _identities(self, process: ProcessDefinition, clave: str) -> list[str]:
        try:
            records = await self.roll.by_clave(process.cut, [clave])
        except UnknownCut:
            records = []
        return sorted({f"clave:{clave}"} | {f"id:{r.identificador}" for r in records})

    async def by_receipt(self, clave: str, folio: str) -> Seen | None:
        found, processes = await self.registered_under(clave)
        known = any(hmac.compare_digest(s.support_id, folio.strip()) for s in found)
        return self._seen(clave, found, processes) if known else None

    async def request_code(self, clave: str, email: str) -> str | None:
        """E-mail a code when the address was given with one of the clave's supports; the
        code is returned for the demo's echo only."""
        found, processes = await self.registered_under(clave)
        given = next((s for s in found if same_address(email, s.email)), None)
        if given is None:
            return None
        now, request_id, code = self.clock(), str(uuid.uuid4()), new_code()
        digest = code_digest(self.token_secret, request_id, code)
        stored = LookupCode(request_id, self._hmac(clave), digest, now, now + CODE_TTL)
        names = {p.id: p for p in processes}
        await self.book.add_code(stored, _mail(stored, code, given, names[given.process_id]))
        self.on_mail()
        return code

    async def by_code(self, clave: str, code: str) -> Seen | None:
        found, processes = await self.registered_under(clave)
        stored, now = await self.book.latest_code(self._hmac(clave)), self.clock()
        if stored is None or not stored.usable(now):
            return None
        if not hmac.compare_digest(
            stored.code_hmac, code_digest(self.token_secret, stored.request_id, code)
        ):
            await self.book.count_attempt(stored.request_id)
            return None
        if not found or not await self.book.spend(stored.request_id, now):
            return None
        return self._seen(clave, found, processes)

    async def report(self, token: str, clave: str, support_id: str, note: str) -> bool | None:
        """Refer the support as a possible identity theft: True the first time, False when it
        was already reported; None when the token or the support is not this citizen's."""
        try:
            principal = verify(self.token_keys or self.token_secret, token)
        except InvalidToken:
            return None
        if principal.role is not Role.CITIZEN or principal.subject != self._subject(clave):
            return None
        found, _ = await self.registered_under(clave)
        if not any(s.support_id == support_id for s in found):
            return None
        referral = Referral(support_id, Cause.SUPLANTACION, "citizen", note.strip())
        try:
            return await self.desk.refer(referral)
        except Exception as failure:
            log.warning("report_not_referred", error=type(failure).__name__)
            raise DeskUnavailable(support_id) from failure

    def _seen(
        self, clave: str, found: list[Registered], processes: list[ProcessDefinition]
    ) -> Seen:
        principal = Principal(Role.CITIZEN, self._subject(clave))
        token = issue(self.token_keys or self.token_secret, principal, SESSION_TTL)
        return Seen(found, {p.id: p for p in processes}, token, principal.subject)

    def _hmac(self, clave: str) -> str:
        return clave_hmac(self.token_secret, clave)

    def _subject(self, clave: str) -> str:
        return SUBJECT_PREFIX + self._hmac(clave)


def _mail(
    stored: LookupCode, code: str, given: Registered, process: ProcessDefinition
) -> EmailCodeRequested:
    name = next(a.name for a in process.aspirants if a.id == given.aspirant_id)
    assert given.email is not None
    return EmailCodeRequested(
        purpose="CONSULTA", request_id=stored.request_id, process_id=given.process_id,
        aspirant_id=given.aspirant_id, aspirant_name=name, email=given.email, code=code,
        expires_at=stored.expires_at,
    )  # fmt: skip
