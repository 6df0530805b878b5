"""Proof that names, claves, CURPs, e-mails and image bytes never reach a log line."""

import io
import logging
import sys
from collections.abc import Iterator

import pytest
import structlog

from apoyo_common.logs import configure_logging, get_logger
from tests.factories import JPEG, citizen


@pytest.fixture
def captured_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    sink = io.StringIO()
    monkeypatch.setattr(sys, "stderr", sink)
    configure_logging("DEBUG", "test")
    yield sink
    structlog.reset_defaults()
    logging.basicConfig(force=True, handlers=[logging.NullHandler()])


def personal_values() -> list[str]:
    person = citizen()
    return [
        person.nombre,
        person.apellido_paterno,
        person.apellido_materno,
        person.clave_elector,
        person.curp,
        person.ocr,
        "persona@example.org",
    ]


def test_personal_fields_and_patterns_are_redacted(captured_logs: io.StringIO) -> None:
    person = citizen()
    log = get_logger("t")
    log.info(
        "support",
        nombre=person.nombre,
        apellido_paterno=person.apellido_paterno,
        apellido_materno=person.apellido_materno,
        clave_elector=person.clave_elector,
        curp=person.curp,
        email="persona@example.org",
        image=JPEG,
        form={"ocr": person.ocr},
    )
    log.info(f"free text with {person.curp} and persona@example.org and {person.clave_elector}")
    log.info("nested", context={"list": [person.curp, "ok"]}, raw=JPEG)
    output = captured_logs.getvalue()
    assert output.count("\n") == 3
    for value in personal_values():
        assert value not in output
    assert "synthetic-jpeg" not in output and "REDACTED" in output


def test_exceptions_and_stdlib_loggers_are_redacted(captured_logs: io.StringIO) -> None:
    person = citizen()
    try:
        raise ValueError(f"bad clave {person.clave_elector} of {person.curp}")
    except ValueError:
        get_logger("t").exception("failed")
    logging.getLogger("aiokafka").warning("lib says %s", f"persona@example.org {person.curp}")
    output = captured_logs.getvalue()
    assert "ValueError" in output and "lib says" in output
    for value in (person.clave_elector, person.curp, "persona@example.org"):
        assert value not in output


def test_ids_and_counts_stay_readable(captured_logs: io.StringIO) -> None:
    get_logger("t").info("stored", support_id="8c0e-41", attempt=3, topic="support.captured")
    output = captured_logs.getvalue()
    assert "8c0e-41" in output and '"attempt": 3' in output and "support.captured" in output


def test_bearer_tokens_and_links_are_redacted(captured_logs: io.StringIO) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJpbnZpdGF0aW9uOngifQ.c2lnbmF0dXJl-_x"
    log = get_logger("t")
    log.info("invited", link=f"https://x/i/{token}", token=token)
    log.info(f"opened https://x/i/{token} twice")
    assert token not in captured_logs.getvalue()


def test_libraries_never_log_messages_at_debug(captured_logs: io.StringIO) -> None:
    """aiokafka logs each record's value at DEBUG: a support's form, names and all."""
    person = citizen()
    value = f'{{"nombre": "{person.nombre}", "apellido_paterno": "{person.apellido_paterno}"}}'
    logging.getLogger("aiokafka.producer.sender").debug("Sending (key=%s value=%s)", "k", value)
    logging.getLogger("apoyo_capture").debug("our own debug line")
    output = captured_logs.getvalue()
    assert "our own debug line" in output and person.apellido_paterno not in output
