"""Key files made on first use by whichever process starts first."""

import os
from pathlib import Path


def create_once(path: Path, body: bytes) -> None:
    """Write `body` to `path` (mode 0600) unless it exists. The body is written whole to a
    file of this process and then hard-linked into place, so a process starting at the same
    moment sees either no file or the complete one, never an empty one, and the first link
    wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        os.link(partial, path)
    except FileExistsError:
        pass  # another process made it first: use theirs
    finally:
        partial.unlink(missing_ok=True)
