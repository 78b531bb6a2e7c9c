"""A registry's token, encrypted at rest with a key derived from the site's SECRET_KEY (Fernet:
AES-128-CBC with an HMAC). The database alone does not reveal it; a changed SECRET_KEY makes stored
tokens unreadable, which reconciliation reports so that an administrator enters the token again."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

UNREADABLE_MESSAGE = (
    "The stored token of registry {name} cannot be read (the site's SECRET_KEY changed since it was saved): "
    "an administrator enters it again."
)


class UnreadableToken(Exception):
    pass


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"mltrack registry tokens").derive(
        settings.SECRET_KEY.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def seal(token: str) -> str:
    return _fernet().encrypt(token.encode("utf-8")).decode("ascii") if token else ""


def unseal(sealed: str, *, name: str) -> str:
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(sealed.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise UnreadableToken(UNREADABLE_MESSAGE.format(name=name)) from None
