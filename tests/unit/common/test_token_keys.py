"""The token keyring's sources and its file: made once, rotated, retired."""

import json
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from apoyo_common.settings import Settings
from apoyo_common.token_keys import ensure_key_file, parse_keys, retire, rotate, token_keys
from apoyo_common.tokens import TokenKeys

SECRET = "first-secret-of-the-deployment-32b"


def test_the_file_is_made_once_with_the_secret_as_k1_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "token-keys.json"
    ensure_key_file(path, SECRET)
    ensure_key_file(path, "another")
    assert parse_keys(path.read_text()) == TokenKeys("k1", {"k1": SECRET})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_rotate_adds_a_current_key_and_retire_removes_an_earlier_one(tmp_path: Path) -> None:
    path = tmp_path / "token-keys.json"
    ensure_key_file(path, SECRET)
    assert rotate(path) == "k2"
    ring = parse_keys(path.read_text())
    assert ring.current == "k2" and set(ring.keys) == {"k1", "k2"} and ring.keys["k1"] == SECRET
    with pytest.raises(ValueError, match="rotate"):
        retire(path, "k2")
    with pytest.raises(ValueError, match="k7"):
        retire(path, "k7")
    retire(path, "k1")
    assert set(parse_keys(path.read_text()).keys) == {"k2"}
    assert rotate(path) == "k3"


def test_settings_choose_the_file_then_the_secret_json_then_the_lone_secret(
    tmp_path: Path,
) -> None:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"current": "k5", "keys": {"k5": "from-file"}}))
    ring = json.dumps({"current": "k2", "keys": {"k2": "from-env"}})
    secret = SecretStr(SECRET)
    both = Settings(token_secret=secret, token_keys_file=path, token_keys=SecretStr(ring))
    assert token_keys(both).current == "k5"
    assert token_keys(Settings(token_secret=secret, token_keys=SecretStr(ring))).current == "k2"
    assert token_keys(Settings(token_secret=secret)) == TokenKeys.single(SECRET)


@pytest.mark.parametrize(
    "text", ["[]", '{"current": "k1"}', '{"current": "k1", "keys": {"k1": 3}}']
)
def test_a_malformed_keyring_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_keys(text)
