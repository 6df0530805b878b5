"""A demo run again on the same --out starts from nothing; a `data` folder it did not make is
refused, not removed."""

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from apoyo.cli import app
from apoyo.demo import NotADemoFolder, fresh_data


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """The command sets up logging on the runner's stream, closed once it returns."""
    yield
    structlog.reset_defaults()
    logging.basicConfig(force=True, handlers=[logging.NullHandler()])


def test_an_earlier_demos_data_is_removed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "postgres").mkdir(parents=True)
    (data / "secrets.json").write_text("{}")
    fresh_data(data)
    assert not data.exists()
    fresh_data(data)  # nothing there: nothing to do


def test_a_folder_the_demo_did_not_make_is_kept_and_refused(
    tmp_path: Path, logging_restored: None
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "thesis.txt").write_text("keep me")
    with pytest.raises(NotADemoFolder):
        fresh_data(data)
    assert (data / "thesis.txt").read_text() == "keep me"
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path), "--supports", "1"])
    assert result.exit_code == 2
    assert "no es de una demostración anterior" in result.output
    assert (data / "thesis.txt").exists()
