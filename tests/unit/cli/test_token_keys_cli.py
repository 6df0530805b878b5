"""`apoyo token rotate|retire` on the keyring file, and `token issue` signing with the new key."""

from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner

from apoyo.cli import app
from apoyo_common.token_keys import ensure_key_file, parse_keys
from apoyo_common.tokens import verify


def run(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(app, list(args))
    return done.exit_code, done.output.strip()


def test_rotate_then_issue_then_retire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "token-keys.json"
    ensure_key_file(path, "first-secret-of-the-deployment-32b")
    monkeypatch.setenv("APOYO_TOKEN_KEYS_FILE", str(path))
    assert run("token", "rotate") == (0, "k2")
    code, token = run("token", "issue", "--role", "ople", "--ttl", "5m")
    assert code == 0 and jwt.get_unverified_header(token)["kid"] == "k2"
    assert run("token", "retire", "k2")[0] == 2  # the current key signs: not retired
    assert run("token", "retire", "k1") == (0, "")
    assert set(parse_keys(path.read_text()).keys) == {"k2"}
    assert verify(parse_keys(path.read_text()), token).subject == "ople:any"


def test_rotation_needs_a_keyring_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APOYO_TOKEN_KEYS_FILE", raising=False)
    code, said = run("token", "rotate")
    assert code == 2 and "APOYO_TOKEN_KEYS_FILE" in said
