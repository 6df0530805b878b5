"""One-time e-mail codes: six digits, kept only as an HMAC under the deployment's secret, a
few wrong tries each. Capture's self-service and verification's "was it me?" page use them."""

import hashlib
import hmac
import secrets

MAX_CODE_ATTEMPTS = 5


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def code_digest(secret: str, request_id: str, code: str) -> str:
    # Keyed: six digits hashed plainly would fall to a million guesses offline.
    message = f"{request_id}\x1f{code.strip()}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
