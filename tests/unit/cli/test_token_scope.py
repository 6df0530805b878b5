"""`apoyo token issue` refuses tokens that could not work or would reach too far."""

import pytest
from typer.testing import CliRunner

from apoyo import admin
from apoyo.cli import app
from apoyo_common.codes import Role
from apoyo_common.settings import Settings


@pytest.mark.parametrize(
    ("role", "process", "aspirant", "fine"),
    [
        (Role.OPLE, None, None, True),
        (Role.ASPIRANT, "p", "a", True),
        (Role.ASPIRANT, None, "a", False),
        (Role.ASPIRANT, "p", None, False),
        (Role.AUXILIARY, "p", None, True),
        (Role.AUXILIARY, None, "a", False),
        (Role.CITIZEN, None, None, False),
    ],
)
def test_scope_problem(role: Role, process: str | None, aspirant: str | None, fine: bool) -> None:
    assert (admin.scope_problem(role, process, aspirant) is None) is fine


def test_issue_token_refuses_an_unbound_aspirant() -> None:
    with pytest.raises(ValueError, match="--process"):
        admin.issue_token(Settings(), Role.ASPIRANT, None, "asp-01", "1h")


def test_the_command_exits_2_with_the_reason() -> None:
    done = CliRunner().invoke(app, ["token", "issue", "--role", "aspirant", "--aspirant", "a"])
    assert done.exit_code == 2
    assert "--process" in done.output
