from pathlib import Path

from typer.testing import CliRunner

from apoyo.cli import app
from apoyo_common.signing import public_pem
from tests.unit.export.packages import KEY, build, rewrite


def test_export_verify_says_ok_or_names_each_problem(tmp_path: Path) -> None:
    package, key = tmp_path / "p.zip", tmp_path / "llave.pem"
    build(package, 3)
    key.write_bytes(public_pem(KEY.public_key()))
    runner = CliRunner()
    intact = runner.invoke(app, ["export", "verify", str(package), "--public-key", str(key)])
    assert intact.exit_code == 0
    assert intact.stdout.startswith("Paquete íntegro: 3 apoyos")
    rewrite(package, lambda e: {k: v for k, v in e.items() if k != "hearing.csv"})
    broken = runner.invoke(app, ["export", "verify", str(package), "--public-key", str(key)])
    assert broken.exit_code == 1
    assert broken.stderr.splitlines() == ["archivo faltante: hearing.csv"]
