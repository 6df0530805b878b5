"""structlog JSON logging with a redaction processor.

Personal data never reaches a log line: keys that name personal fields are masked, values
that look like a CURP, a clave de elector, an e-mail or image bytes are masked wherever they
appear, including inside free text and exception messages.
"""

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

REDACTED = "[REDACTED]"
PERSONAL_KEYS = frozenset(
    {
        "nombre",
        "apellido_paterno",
        "apellido_materno",
        "name",
        "names",
        "surnames",
        "given_names",
        "clave_elector",
        "curp",
        "email",
        "ocr",
        "cic",
        "identificador",
        "image",
        "images",
        "data",
        "body",
        "payload",
        "form",
        "signature",
        "selfie",
        "credential_front",
        "credential_back",
        "fecha_nacimiento",
        "birth_date",
        "ip",
        "token",
        "link",
    }
)
_PATTERNS = (
    re.compile(r"[A-Z][AEIOUX][A-Z]{2}\d{6}[HMX][A-Z]{5}[0-9A-Z]\d", re.IGNORECASE),  # CURP
    re.compile(r"\b[A-Z]{6}\d{8}[HMX]\d{3}\b", re.IGNORECASE),  # clave de elector
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail
    re.compile(r"\b\d{13}\b"),  # OCR
    re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+"),  # a bearer token (JWT), e.g. in an invitation link
)


def redact_text(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def _redact_value(key: str, value: Any) -> Any:
    if key.lower() in PERSONAL_KEYS or isinstance(value, bytes | bytearray | memoryview):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_redact_value(key, v) for v in value]
    return value


def redact(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: runs last before rendering, after exceptions are formatted."""
    return {key: _redact_value(key, value) for key, value in event_dict.items()}


class RedactingFilter(logging.Filter):
    """Library loggers (uvicorn, aiokafka, FastStream) go through the stdlib: redact them too."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_text(record.getMessage())
        record.args = ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


# Libraries that log whole messages at DEBUG (aiokafka's "Sending (key=… value=…)" carries a
# support's form, names included, which no pattern can tell from other words): never below
# INFO, whatever the service's level.
VERBOSE_LIBRARIES = ("aiokafka", "kafka", "faststream", "asyncpg", "httpx", "httpcore",
                     "multipart", "python_multipart", "minio", "urllib3")  # fmt: skip


def configure_logging(level: str = "INFO", service: str = "apoyo") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    logging.basicConfig(format="%(message)s", level=level.upper(), handlers=[handler], force=True)
    floor = max(logging.INFO, logging.getLevelName(level.upper()))
    for name in VERBOSE_LIBRARIES:
        logging.getLogger(name).setLevel(floor)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.WriteLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
