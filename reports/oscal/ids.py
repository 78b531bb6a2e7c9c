"""Identifiers and value formats shared by the OSCAL builder and its checks.

Custom properties carry the namespace ``NS`` (https://mltrack.example/ns/oscal), a URI MLTrack
controls conceptually; it names MLTrack's own property names and facet systems, never fetched.

Every UUID is a version-5 UUID in ``UUID_NAMESPACE`` (itself ``uuid5(NAMESPACE_URL, NS)``), of a
name made from a kind and the thing's own identity (docs/oscal.md lists them), so the same data
gives the same UUIDs in every export and anyone can recompute them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from django.utils import timezone

NS = "https://mltrack.example/ns/oscal"
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, NS)
OSCAL_VERSION = "1.1.2"


# uuid.uuid5 hashes the namespace again for every UUID; an export makes hundreds of thousands.
_NAMESPACE_SHA1 = hashlib.sha1(UUID_NAMESPACE.bytes, usedforsecurity=False)


def stable_uuid(kind: str, *identity: Any) -> str:
    """``uuid5(UUID_NAMESPACE, "kind:identity...")``, e.g. stable_uuid("model", 42) for the model
    with id 42 is uuid5 of "model:42" (RFC 4122 section 4.3, the same as uuid.uuid5)."""
    sha1 = _NAMESPACE_SHA1.copy()
    sha1.update(":".join((kind, *(str(part) for part in identity))).encode("utf-8"))
    octets = bytearray(sha1.digest()[:16])
    octets[6] = (octets[6] & 0x0F) | 0x50  # version 5
    octets[8] = (octets[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = octets.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def institution_uuid(name: str) -> str:
    return stable_uuid("institution", name)


def reviewer_uuid(name: str) -> str:
    return stable_uuid("reviewer", name)


def review_uuid(review: Any) -> str:
    """A review record's back-matter resource, named after the record's own id."""
    return stable_uuid("review", review.id)


def single_line(value: Any) -> str:
    """OSCAL strings (prop values, names) are one line without outer whitespace."""
    return " ".join(str(value).split())


def prop(name: str, value: Any, *, ns: str | None = NS, cls: str | None = None) -> dict[str, str] | None:
    """A property, or None for a blank value (OSCAL has no empty strings)."""
    text = "" if value is None else single_line(value.isoformat() if isinstance(value, dt.date) else value)
    if not text:
        return None
    result = {"name": name, "ns": ns} if ns else {"name": name}
    result["value"] = text
    if cls:
        result["class"] = cls
    return result


def props(*items: dict[str, str] | None) -> list[dict[str, str]]:
    return [item for item in items if item is not None]


def token(text: str) -> str:
    """A citation as an OSCAL token: ``GOVERN 1.6`` becomes ``govern-1.6``; ``A.6.2.5`` stays."""
    return "-".join(text.split()).lower() if " " in text else text


def day_start(day: dt.date) -> str:
    """00:00 of a day in the site's time zone, with its offset."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone()).isoformat()


def day_end(day: dt.date) -> str:
    """The last second of a day in the site's time zone: "due on D" means by the end of D."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_default_timezone()).isoformat()


def instant(moment: dt.datetime) -> str:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).isoformat(timespec="seconds")
