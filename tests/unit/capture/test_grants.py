from dataclasses import replace
from datetime import timedelta

from apoyo_capture.grants import (
    Grant,
    GrantKind,
    code_problem,
    grant_id_of,
    spend_problem,
    subject_of,
    token_digest,
)
from apoyo_common.onetime import MAX_CODE_ATTEMPTS, code_digest, new_code
from tests.factories import NOW

INVITATION = Grant(
    "g-1", GrantKind.INVITACION, "p", "a", "x@example.org", NOW, NOW + timedelta(days=1),
    token_sha256=token_digest("tok"),
)  # fmt: skip
CODE = Grant(
    "g-2", GrantKind.AUTOSERVICIO, "p", "a", "x@example.org", NOW, NOW + timedelta(hours=24),
    code_hmac=code_digest("s", "g-2", "123456"),
)  # fmt: skip


def test_subjects_name_their_grant() -> None:
    assert grant_id_of(subject_of(GrantKind.INVITACION, "g-1")) == "g-1"
    assert grant_id_of(subject_of(GrantKind.AUTOSERVICIO, "g-2")) == "g-2"
    assert grant_id_of("citizen:any") is None


def test_a_grant_is_spent_once_before_it_expires_by_its_own_token() -> None:
    assert spend_problem(INVITATION, token_digest("tok"), NOW) is None
    assert spend_problem(INVITATION, token_digest("other"), NOW) == "token_invalid"
    assert spend_problem(None, token_digest("tok"), NOW) == "token_invalid"
    spent = replace(INVITATION, spent_at=NOW)
    assert spend_problem(spent, token_digest("tok"), NOW) == "token_used"
    late = INVITATION.expires_at
    assert spend_problem(INVITATION, token_digest("tok"), late) == "token_expired"
    # A self-service grant has no token until its address is proven.
    assert spend_problem(CODE, token_digest("tok"), NOW) == "token_invalid"


def test_status_follows_opening_and_spending() -> None:
    assert INVITATION.status == "CREADA"
    assert replace(INVITATION, opened_at=NOW).status == "ABIERTA"
    assert replace(INVITATION, opened_at=NOW, spent_at=NOW).status == "USADA"


def test_codes_are_six_digits_and_stored_keyed() -> None:
    code = new_code()
    assert len(code) == 6 and code.isdigit()
    assert code_digest("s", "g", code) != code_digest("other-secret", "g", code)
    assert code_digest("s", "g", code) != code_digest("s", "h", code)


def test_code_rules_in_order() -> None:
    right, wrong = code_digest("s", "g-2", "123456"), code_digest("s", "g-2", "000000")
    assert code_problem(CODE, right, NOW) is None
    assert code_problem(CODE, wrong, NOW) == "code_wrong"
    assert code_problem(None, right, NOW) == "code_unknown"
    assert code_problem(INVITATION, right, NOW) == "code_unknown"
    assert code_problem(replace(CODE, email_verified_at=NOW), right, NOW) == "code_used"
    assert code_problem(CODE, right, CODE.expires_at) == "code_expired"
    tired = replace(CODE, attempts=MAX_CODE_ATTEMPTS)
    assert code_problem(tired, right, NOW) == "too_many_attempts"


def test_an_unused_grant_past_its_expiry_is_vencida() -> None:
    assert INVITATION.status_at(NOW) == "CREADA"
    assert INVITATION.status_at(INVITATION.expires_at) == "VENCIDA"
    assert replace(INVITATION, spent_at=NOW).status_at(INVITATION.expires_at) == "USADA"
