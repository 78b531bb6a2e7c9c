from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def console(request: HttpRequest) -> dict[str, object]:
    return {"institution_name": settings.MLTRACK_INSTITUTION_NAME, "access_contact": settings.MLTRACK_ACCESS_CONTACT}
