"""The institution's signing key: Ed25519 signatures on review records, checkpoints and (later)
exam-package manifests, made with a private key kept outside the database.

- ``MLTRACK_SIGNING_KEY_FILE``: the private key (PEM, PKCS#8). Whoever holds it can sign; keep it
  like any secret (a mounted secret file, readable by MLTrack's processes only). In development a
  key is generated there on first use; in production a missing key is a configuration error.
- ``MLTRACK_TRUSTED_KEYS_DIR``: public keys (``*.pem``) whose signatures verification accepts
  besides the current key's, e.g. the previous key after a rotation.

A key is named by its id: the first 16 hex digits of the SHA-256 of its 32-byte raw public key (the
fingerprint is all 64). Examiners verify with the public key and cannot sign with it.
See docs/audit-trail.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

MISSING_KEY_MESSAGE = (
    "MLTRACK_SIGNING_KEY_FILE names no readable Ed25519 private key ({path}). Generate one with "
    "'python manage.py signing_key --generate {path}' and keep it outside the database (docs/audit-trail.md)."
)
NOT_ED25519_MESSAGE = "{path} is not an Ed25519 key in PEM form."


def fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def key_id(public_key: Ed25519PublicKey) -> str:
    return fingerprint(public_key)[:16]


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


@dataclass(frozen=True)
class Signer:
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    def sign(self, message: bytes) -> str:
        """The signature of ``message``, base64 (88 characters)."""
        return base64.b64encode(self.private_key.sign(message)).decode("ascii")


def generate_key_file(path: Path) -> Signer:
    """Write a new private key to ``path`` (owner-only permissions); refuses to overwrite one."""
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    return Signer(private_key)


@lru_cache(maxsize=4)
def _load_signer(path: str, _mtime: float) -> Signer:
    try:
        private_key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        raise ImproperlyConfigured(MISSING_KEY_MESSAGE.format(path=path)) from None
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ImproperlyConfigured(NOT_ED25519_MESSAGE.format(path=path))
    return Signer(private_key)


def signer() -> Signer:
    """The current signing key (read once per process and key file)."""
    path = Path(settings.MLTRACK_SIGNING_KEY_FILE)
    if not path.exists() and not settings.PRODUCTION:
        try:
            generate_key_file(path)
            logger.warning("generated a development signing key at %s", path)
        except FileExistsError:  # another process made it first
            pass
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise ImproperlyConfigured(MISSING_KEY_MESSAGE.format(path=path)) from None
    return _load_signer(str(path), mtime)


def load_public_key(data: bytes, *, source: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise ValueError(NOT_ED25519_MESSAGE.format(path=source)) from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(NOT_ED25519_MESSAGE.format(path=source))
    return key


def trusted_keys(extra: list[Path] | tuple[Path, ...] = ()) -> dict[str, Ed25519PublicKey]:
    """Public keys whose signatures verification accepts, by key id: the current key, every
    ``*.pem`` in MLTRACK_TRUSTED_KEYS_DIR, and ``extra`` files (an examiner's --public-key)."""
    keys: dict[str, Ed25519PublicKey] = {}
    folder = Path(settings.MLTRACK_TRUSTED_KEYS_DIR)
    files = [*sorted(folder.glob("*.pem")), *extra] if folder.is_dir() else list(extra)
    for path in files:
        key = load_public_key(Path(path).read_bytes(), source=str(path))
        keys[key_id(key)] = key
    if not extra or Path(settings.MLTRACK_SIGNING_KEY_FILE).exists():
        current = signer().public_key
        keys[key_id(current)] = current
    return keys


def verify(keys: dict[str, Ed25519PublicKey], signing_key_id: str, signature: str, message: bytes) -> str | None:
    """None when ``signature`` is a valid signature of ``message`` by the trusted key
    ``signing_key_id``; otherwise why not, in a few words."""
    key = keys.get(signing_key_id or "")
    if key is None:
        return f"signed with key {signing_key_id or '(none)'}, which is not a trusted key"
    try:
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, binascii.Error, ValueError):
        return f"its signature does not verify with key {signing_key_id}"
    return None
