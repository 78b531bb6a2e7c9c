"""The cache shared by every web process, in Redis, when MLTRACK_CACHE_URL names one.

Without it each process keeps its own (Django's local-memory cache), which is correct, since every
key carries the state of the data it was computed from, but each process fills its own copy.
With many gunicorn workers on several hosts, one shared cache computes each value once.

Django's Redis cache stores pickles, and unpickling runs whatever the pickle says: anyone who
could write to that Redis could run code in every web process. Here each entry is signed with a
key derived from SECRET_KEY (HMAC-SHA256, Django's salted_hmac), and an entry whose signature does
not hold is never unpickled: it is logged, deleted and read as a miss. Someone with the Redis but
not the SECRET_KEY can empty the cache, and nothing more.
"""

from __future__ import annotations

import hmac
import logging
import pickle
from typing import Any

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

SALT = "mltrack.shared-cache"
MAC_LENGTH = 32  # bytes of HMAC-SHA256
_MISSING = object()


class TamperedEntry(Exception):
    """A cache entry that MLTrack did not write (or wrote under another SECRET_KEY)."""


def _mac(body: bytes, secret: str) -> bytes:
    return salted_hmac(SALT, body, secret=secret, algorithm="sha256").digest()


class SignedPickleSerializer:
    """Pickles, each behind its HMAC; ``loads`` checks the HMAC before it unpickles anything.
    Entries signed with a key in SECRET_KEY_FALLBACKS still read, as Django's own signing allows."""

    def dumps(self, obj: Any) -> bytes:
        body = pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
        return _mac(body, settings.SECRET_KEY) + body

    def loads(self, data: bytes) -> Any:
        mac, body = bytes(data[:MAC_LENGTH]), bytes(data[MAC_LENGTH:])
        for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
            if len(mac) == MAC_LENGTH and hmac.compare_digest(mac, _mac(body, secret)):
                return pickle.loads(body)  # signed by this installation: checked above
        raise TamperedEntry


class SignedRedisCache(RedisCache):
    """Django's Redis cache with signed entries; an entry that fails its signature is a miss."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {**params.get("OPTIONS", {}), "serializer": SignedPickleSerializer}
        super().__init__(server, {**params, "OPTIONS": options})

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except TamperedEntry:
            self._discard(key, version)
            return default

    def get_many(self, keys, version: int | None = None) -> dict[str, Any]:
        try:
            return super().get_many(keys, version)
        except TamperedEntry:
            found = {key: self.get(key, _MISSING, version) for key in keys}
            return {key: value for key, value in found.items() if value is not _MISSING}

    def _discard(self, key: str, version: int | None) -> None:
        logger.error("A shared cache entry failed its signature and was discarded (someone other than MLTrack "
                     "wrote to the cache's Redis, or SECRET_KEY changed): %s", self.make_key(key, version))
        self.delete(key, version)
