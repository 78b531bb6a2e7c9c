from __future__ import annotations

from functools import partial

from django.conf import settings
from django.http import HttpRequest

from common.banners import banners_for


def console(request: HttpRequest) -> dict[str, object]:
    # The banners are read only when a page shows them (a callable: the template calls it).
    return {"institution_name": settings.MLTRACK_INSTITUTION_NAME, "access_contact": settings.MLTRACK_ACCESS_CONTACT,
            "site_banners": partial(banners_for, request)}
