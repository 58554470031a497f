"""The case secret and keyed hashes: identifiers reach the database only as HMAC-SHA256.

The secret lives outside the database (``CASE/helpline.key``, mode 0600, or the environment
variable ``BREACHDESK_HELPLINE_KEY``), so a copy of the database alone cannot be searched for a
known NHS number: without the key a hash cannot be recomputed from a guess.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from breachdesk.errors import UserError

KEY_FILE = "helpline.key"
ENV_VAR = "BREACHDESK_HELPLINE_KEY"
_KEY_BYTES = 32


def _decode(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError as exc:
        raise UserError(f"{where}: not a hex key; remove it to make a new one") from exc
    if len(key) < _KEY_BYTES:
        raise UserError(f"{where}: key shorter than {_KEY_BYTES} bytes; use 64 hex characters")
    return key


def load_or_create(case_root: Path) -> bytes:
    """The case secret: from the environment, else the key file, made on first use."""
    env = os.environ.get(ENV_VAR)
    if env:
        return _decode(env, ENV_VAR)
    path = case_root / KEY_FILE
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise UserError(
                f"{path}: readable by other users (mode {mode:o}); run `chmod 600 {path}`"
            )
        return _decode(path.read_text(encoding="ascii"), str(path))
    # O_EXCL: two processes starting at once cannot each write a different key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(_KEY_BYTES) + "\n")
    return _decode(path.read_text(encoding="ascii"), str(path))


def keyed_hash(secret: bytes, text: str) -> str:
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


def key_id(secret: bytes) -> str:
    """A fingerprint of the key, so an index built with another key is noticed and rebuilt."""
    return keyed_hash(secret, "breachdesk helpline key id")[:16]
