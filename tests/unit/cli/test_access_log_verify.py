import asyncio
from pathlib import Path

from typer.testing import CliRunner

from apoyo.cli import app
from apoyo_common.access.package import write_package
from apoyo_common.signing import key_id, public_pem
from tests.factories import NOW
from tests.unit.common.test_access_log import KEY, filled, rewritten


def test_access_log_verify_says_ok_or_names_each_problem(tmp_path: Path) -> None:
    package, key = tmp_path / "accesos.zip", tmp_path / "llave.pem"
    logs = {"capture": asyncio.run(filled(2)), "export": asyncio.run(filled(3))}
    asyncio.run(write_package(package, logs, KEY, NOW))
    key.write_bytes(public_pem(KEY.public_key()))
    runner = CliRunner()
    args = ["access-log", "verify", str(package), "--public-key", str(key)]
    intact = runner.invoke(app, args)
    signer = key_id(KEY.public_key())
    assert intact.exit_code == 0
    assert intact.stdout.strip() == (
        f"Bitácora de accesos íntegra: capture 2, export 3, firma válida (llave {signer})."
    )
    rewritten(package, "export.jsonl", lambda lines: [lines[0], lines[2]])
    broken = runner.invoke(app, args)
    assert broken.exit_code == 1
    assert broken.stderr.splitlines() == [
        "archivo alterado: export.jsonl",
        "entrada eliminada: export número 2",
    ]
