"""Every email notifications sends, built one way: a template triplet per message
(``templates/notifications/email/<name>-subject.txt``, ``-body.txt`` and ``-body.html``, the HTML
extending ``notifications/email/base.html``) rendered with the context a service gives.

The HTML part is escaped by the templates (a model named ``<b>x</b>`` reads as typed); the text part
is plain text. Links are absolute, on MLTRACK_BASE_URL, so that they work from a mail client.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from notifications.deliver import Message
from notifications.models import Delivery

SUBJECT_LIMIT = 300


def absolute(path: str) -> str:
    """A console path (from reverse()) as a link that works outside the console."""
    return f"{settings.MLTRACK_BASE_URL}{path}"


def make_message(name: str, *, to: str, kind: str, period: str, context: dict[str, Any], user_id: int | None = None,
                 attachments: tuple[tuple[str, str, str], ...] = ()) -> Message:
    context = {"institution": settings.MLTRACK_INSTITUTION_NAME, "base_url": settings.MLTRACK_BASE_URL, **context}
    # One line, whatever the template's layout: a header may not hold a line break.
    subject = " ".join(render_to_string(f"notifications/email/{name}-subject.txt", context).split())
    return Message(
        kind=kind, period=period, to=to, user_id=user_id, subject=subject[:SUBJECT_LIMIT],
        text=render_to_string(f"notifications/email/{name}-body.txt", context),
        html=render_to_string(f"notifications/email/{name}-body.html", context), attachments=attachments,
    )


def digest(*, to: str, kind: str, period: str, context: dict[str, Any], user_id: int) -> Message:
    return make_message("digest", to=to, kind=kind, period=period, context=context, user_id=user_id)


def escalation(*, to: str, period: str, context: dict[str, Any], user_id: int | None) -> Message:
    return make_message("escalation", to=to, kind=Delivery.Kind.ESCALATION, period=period, context=context,
                        user_id=user_id)


def scheduled_report(*, to: str, period: str, context: dict[str, Any]) -> Message:
    return make_message("scheduled_report", to=to, kind=Delivery.Kind.SCHEDULED_REPORT, period=period, context=context)


def checkpoint(*, to: str, period: str, context: dict[str, Any], attachment: tuple[str, str, str]) -> Message:
    return make_message("checkpoint", to=to, kind=Delivery.Kind.CHECKPOINT, period=period, context=context,
                        attachments=(attachment,))


def alarm(*, to: str, period: str, context: dict[str, Any]) -> Message:
    return make_message("alarm", to=to, kind=Delivery.Kind.ALARM, period=period, context=context)
