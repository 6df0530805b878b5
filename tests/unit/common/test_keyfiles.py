from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from apoyo_common.keyfiles import create_once
from apoyo_common.keyring.kms import key_file_kms


def test_create_once_keeps_the_first_body(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "k.json"
    create_once(path, b"first")
    create_once(path, b"second")
    assert path.read_bytes() == b"first"
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["k.json"]


def _current_kek(path: str) -> str:
    return key_file_kms(Path(path)).current_kek_id()


def test_processes_starting_together_share_one_complete_key_file(tmp_path: Path) -> None:
    # Several services start at once on a fresh data folder: none may read a half-written
    # file, and all must end with the same key.
    path = str(tmp_path / "institute-keys.json")
    with ProcessPoolExecutor(max_workers=4) as pool:
        currents = list(pool.map(_current_kek, [path] * 16))
    assert len(set(currents)) == 1
