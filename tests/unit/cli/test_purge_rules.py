"""When a purge may run, and its signed record."""

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo.purge.record import is_authentic, purge_record
from apoyo.purge.rules import PurgeRefused, Standing, check, earliest_purge
from tests.factories import process

PROCESS = process()
END = PROCESS.capture.end


def test_the_earliest_purge_is_after_the_upload_grace_and_the_hearing() -> None:
    assert earliest_purge(PROCESS) == END + timedelta(days=6)


@pytest.mark.parametrize(
    ("standing", "now", "refusal"),
    [
        (Standing(None, 0, None), END + timedelta(days=30), "desconocido"),
        (Standing(PROCESS, 0, None), END + timedelta(days=5), "no ha terminado"),
        (Standing(PROCESS, 3, None), END + timedelta(days=30), "hay 3 asuntos abiertos"),
        (Standing(PROCESS, 0, END), END + timedelta(days=30), "ya se depuró"),
    ],
)
def test_refusals(standing: Standing, now: object, refusal: str) -> None:
    with pytest.raises(PurgeRefused, match=refusal):
        check(PROCESS.id, standing, now)  # type: ignore[arg-type]


def test_a_finished_process_with_a_clear_desk_may_be_purged() -> None:
    assert check(PROCESS.id, Standing(PROCESS, 0, None), earliest_purge(PROCESS)) == PROCESS


def test_the_record_is_signed_and_any_change_shows() -> None:
    key = Ed25519PrivateKey.generate()
    destroyed: dict[str, object] = {"data_key": True, "objects": {"evidence": 4}}
    kept: list[dict[str, object]] = [{"aspirant_id": "asp-01", "status": "VALIDO", "supports": 9}]
    record = purge_record(PROCESS, END + timedelta(days=7), destroyed, kept, key)
    assert record["process_id"] == PROCESS.id and is_authentic(record, key.public_key())
    changed = {**record, "kept": {"supports_by_aspirant_and_status": []}}
    assert not is_authentic(changed, key.public_key())
    assert not is_authentic(record, Ed25519PrivateKey.generate().public_key())
