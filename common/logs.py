"""How refusals are logged: one line each, with who, where and why, never a traceback.

Django logs a refused request (a service's ``Refused``, any ``PermissionDenied``, a CSRF failure, a
bad request) with the exception's whole traceback, and a suspicious request under
``django.security`` likewise.
Neither is a fault of the program: the operator needs the user, the path and the reason, on one
line that a log search finds. Whatever the request carried (its path, the reason's names) is
escaped, so a crafted URL cannot forge log lines.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest

from common.text import escape_line

REFUSAL_FORMAT = "%s %s user=%s path=%s reason=%s"
STATUS_WORDS = {400: "Bad request", 403: "Forbidden"}


def _username(request: HttpRequest | None) -> str:
    user = getattr(request, "user", None)
    try:
        if user is None:
            return "-"
        return user.get_username() if user.is_authenticated else "anonymous"
    except Exception:  # the session or the database may be what failed; the line still gets written
        return "-"


class RefusalLogFilter(logging.Filter):
    """Rewrites django.request's 400 and 403 records and every django.security record as one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        refused = record.name == "django.request" and status in (400, 403)
        if not (refused or record.name.startswith("django.security")):
            return True
        request = getattr(record, "request", None)
        exception = record.exc_info[1] if record.exc_info else None
        if exception is not None and str(exception):
            reason = str(exception)
        elif record.name == "django.security.csrf" and record.args:
            reason = str(record.args[0])  # "Forbidden (%s): %s": the CSRF failure's reason
        else:
            reason = STATUS_WORDS.get(status, "refused")
        path = request.path if isinstance(request, HttpRequest) else "-"
        record.msg = REFUSAL_FORMAT
        record.args = (status or "-", STATUS_WORDS.get(status, "Refused"), escape_line(_username(request)),
                       escape_line(path), escape_line(reason))
        record.exc_info = record.exc_text = None
        return True
