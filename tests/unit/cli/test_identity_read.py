"""`apoyo identity read IMAGE...` prints interfaces.md §7, one JSON object per line."""

import json
from pathlib import Path

from typer.testing import CliRunner

from apoyo.cli import app
from apoyo.synthetic.credential import back, front, mrz_lines
from apoyo.synthetic.people import make_citizens


def test_one_json_line_per_image_in_the_documented_shape(tmp_path: Path) -> None:
    person = make_citizens(1, seed=12)[0]
    (tmp_path / "back.jpg").write_bytes(back(person))
    (tmp_path / "front.jpg").write_bytes(front(person))
    result = CliRunner().invoke(
        app, ["identity", "read", str(tmp_path / "back.jpg"), str(tmp_path / "front.jpg")]
    )
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.output.strip().splitlines())
    assert set(first) == {"image", "mrz", "barcodes", "flags", "ms"}
    assert first["image"] == "back.jpg" and first["ms"] > 0
    mrz = first["mrz"]
    assert mrz["lines"] == list(mrz_lines(person))
    assert mrz["cic"] == person.cic and mrz["ocr"] == person.ocr
    assert mrz["seccion"] == person.seccion and mrz["identificador"] == person.identificador
    assert mrz["birth_date"] == person.fecha_nacimiento.isoformat() and mrz["sex"] == person.sexo
    assert {"format", "text"} <= set(first["barcodes"][0])
    assert second["mrz"] is None and "NO_MRZ" in second["flags"]


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    # Wide enough that the error box never wraps the message (its width follows the path's).
    wide = {"COLUMNS": "1000"}
    result = CliRunner().invoke(app, ["identity", "read", str(tmp_path / "nope.jpg")], env=wide)
    assert result.exit_code != 0 and "does not exist" in result.output
