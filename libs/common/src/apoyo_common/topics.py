"""Topic names and the functions that compute each message key.

Keys decide ordering: Kafka orders only within a partition. `support.captured` is keyed by
the support id (nothing about the citizen is known yet); `identity.decoded` and every later
topic by the citizen key, so all supports of one citizen reach one verification consumer in
order. The citizen key is a keyed hash per process (the Finnish pattern): it never carries
the raw clave de elector and cannot link a signer across processes.
"""

import hashlib
import hmac

SUPPORT_CAPTURED = "support.captured"
IDENTITY_DECODED = "identity.decoded"
SUPPORT_VERIFIED = "support.verified"
SUPPORT_NOTIFIED = "support.notified"
SUPPORT_EXPORTED = "support.exported"
PROCESS_DEFINED = "process.defined"
# Verification's `LN` counts of a process's cut, for export's summary; keyed by process id.
PROCESS_CELLS = "process.cells"
# Mail that capture asks notification to send (capture-channels.md); keyed by their own ids.
INVITATION_CREATED = "invitation.created"
EMAIL_CODE_REQUESTED = "email.code.requested"
MAIL_TOPICS = (INVITATION_CREATED, EMAIL_CODE_REQUESTED)

PIPELINE_TOPICS = (
    SUPPORT_CAPTURED,
    IDENTITY_DECODED,
    SUPPORT_VERIFIED,
    SUPPORT_NOTIFIED,
    SUPPORT_EXPORTED,
)


def dead_letter_topic(topic: str) -> str:
    """One dead-letter topic per source topic, so a replay knows where a message came from."""
    return f"{topic}.dead-letter"


ALL_TOPICS = (
    *PIPELINE_TOPICS,
    PROCESS_DEFINED,
    PROCESS_CELLS,
    *MAIL_TOPICS,
    *tuple(dead_letter_topic(t) for t in (*PIPELINE_TOPICS, *MAIL_TOPICS)),
)


def qualified(namespace: str, name: str) -> str:
    """A topic or group name inside a deployment's namespace (empty: the plain name)."""
    return f"{namespace}.{name}" if namespace else name


def support_key(support_id: str) -> bytes:
    return support_id.encode()


def process_key(process_id: str) -> bytes:
    return process_id.encode()


def citizen_identity(*, support_id: str, ocr: str | None, clave_elector: str | None) -> str:
    """What identifies the person behind a support, best evidence first.

    The identificador del ciudadano (the OCR without its sección) survives a change of
    address and a reissued card (the CIC does not); the clave de elector is next. With
    neither, the support stands alone and can only be keyed by itself.
    """
    if ocr and len(ocr) == 13 and ocr.isascii() and ocr.isdigit():
        return f"id:{ocr[4:]}"
    if clave_elector:
        return f"clave:{clave_elector.strip().upper()}"
    return f"support:{support_id}"


def citizen_key(secret: bytes, process_id: str, identity: str) -> str:
    """Keyed hash of a citizen identity within one process (hex, 32 chars)."""
    message = f"{process_id}\x1f{identity}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]
