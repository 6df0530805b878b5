"""What `apoyo token revoke` revokes: one subject, one token id, or a whole token's id."""

from datetime import timedelta

import pytest
from pydantic import SecretStr

from apoyo.revoke import target_of
from apoyo_common.codes import Role
from apoyo_common.settings import Settings
from apoyo_common.tokens import Principal, issue, verify

SETTINGS = Settings(token_secret=SecretStr("revoke-cli-secret-of-32-bytes!!!!"))
SECRET = SETTINGS.token_secret.get_secret_value()


def test_a_subject_or_an_id_is_taken_as_given() -> None:
    assert target_of("aux:7", None, None, SETTINGS) == ("subject", "aux:7")
    assert target_of(None, "abc", None, SETTINGS) == ("jti", "abc")


def test_a_whole_token_is_revoked_by_its_id() -> None:
    token = issue(SECRET, Principal(Role.OPLE, "ople:x"), timedelta(minutes=5))
    assert target_of(None, None, token, SETTINGS) == ("jti", verify(SECRET, token).token_id)


@pytest.mark.parametrize(
    ("subject", "jti", "token"),
    [(None, None, None), ("s", "j", None), (None, None, "not-a-token")],
)
def test_exactly_one_valid_target(subject: str | None, jti: str | None, token: str | None) -> None:
    with pytest.raises(ValueError):
        target_of(subject, jti, token, SETTINGS)
