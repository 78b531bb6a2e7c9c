"""Sending an email exactly once: claim, send, record.

1. **Claim.** An INSERT of the Delivery row, unique per (recipient, kind, period). Whoever inserts
   it sends; a retry of the task, a second beat or a second worker finds the row and sends nothing.
2. **Send** through the configured email backend.
3. **Record** the outcome with a conditional UPDATE fenced by the claim (state and attempt): sent
   (the stored message is dropped, its SHA-256 kept), or failed with the error and when to try
   again (MLTRACK_DELIVERY_RETRY_MINUTES, doubling, up to MLTRACK_DELIVERY_ATTEMPTS sends).

The retry pass (``retry_deliveries``) claims a failed row with a conditional UPDATE and sends the
message stored with it, so a retry sends what was claimed, never a second, different email. A
claim that was never settled (the sender died between claim and outcome) may or may not have gone
out; it is marked failed, not sent again by itself, and shown to administrators, who may send it
again (``send_again``). docs/notifications.md, "Sent once".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from common.actors import Actor
from common.authz import require
from notifications import permissions
from notifications.models import Delivery

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
SENT, FAILED, SKIPPED = "sent", "failed", "skipped"
# A claim older than this was left by a sender that stopped (one send never takes this long).
CLAIM_TIMEOUT = dt.timedelta(minutes=30)
STALE_CLAIM_MESSAGE = (
    "The sender stopped after claiming this email and before recording the outcome: it may or may not "
    "have gone out, so it is not sent again by itself. Send it again if the recipient did not get it."
)
NOTHING_SENT_MESSAGE = "The email backend accepted nothing (no error given)."
NOT_FAILED_MESSAGE = "Only a failed email can be sent again; this one is {state}."
# Retries sent per pass: the next pass (ten minutes later) takes the rest.
RETRY_BATCH = 500
ERROR_LIMIT = 2000


@dataclass(frozen=True)
class Message:
    """One email to one recipient, as composed (notifications.emails)."""

    kind: str
    period: str
    to: str
    subject: str
    text: str
    html: str
    user_id: int | None = None
    # (file name, text content, media type)
    attachments: tuple[tuple[str, str, str], ...] = field(default=())

    @cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for part in (self.subject, self.text, self.html, *(piece for item in self.attachments for piece in item)):
            digest.update(part.encode())
            digest.update(b"\0")
        return digest.hexdigest()


def recipient_key(address: str) -> str:
    """One address, one key: the unique claim compares addresses case-insensitively."""
    return address.strip().casefold()


class Sender:
    """One backend connection for a run's emails, opened again after an error."""

    def __init__(self) -> None:
        self.connection = get_connection()

    def send(self, row: Delivery) -> None:
        email = EmailMultiAlternatives(subject=row.subject, body=row.body_text, to=[row.recipient],
                                       connection=self.connection)
        if row.body_html:
            email.attach_alternative(row.body_html, "text/html")
        for name, content, media_type in row.attachments:
            email.attach(name, content, media_type)
        try:
            sent = email.send()
        except Exception:
            self.close()
            raise
        if not sent:
            raise RuntimeError(NOTHING_SENT_MESSAGE)

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception:  # a connection that is already broken: the next send opens a new one
            logger.debug("closing the email connection failed", exc_info=True)


def existing(kind_periods: list[tuple[str, str]]) -> set[tuple[str, str, str]]:
    """(recipient, kind, period) of every email already claimed for these kinds and periods: one query,
    so that a run composes nothing for those who have theirs."""
    if not kind_periods:
        return set()
    condition = Q()
    for kind, period in kind_periods:
        condition |= Q(kind=kind, period=period)
    return set(Delivery.objects.filter(condition).values_list("recipient", "kind", "period"))


def claim(message: Message, *, now: dt.datetime) -> Delivery | None:
    """Insert the row that makes this email ours to send; None when someone has claimed it already."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                recipient=recipient_key(message.to), user_id=message.user_id, kind=message.kind,
                period=message.period, subject=message.subject, content_sha256=message.sha256,
                state=Delivery.State.CLAIMED, attempts=1, claimed_at=now, body_text=message.text,
                body_html=message.html, attachments=[list(item) for item in message.attachments],
            )
    except IntegrityError:
        return None


def deliver(message: Message, *, sender: Sender, clock: Clock) -> str:
    """Claim, send and record one email: SENT, FAILED (to be retried) or SKIPPED (claimed before)."""
    row = claim(message, now=clock())
    if row is None:
        return SKIPPED
    return send_claimed(row, sender=sender, clock=clock)


def send_claimed(row: Delivery, *, sender: Sender, clock: Clock) -> str:
    try:
        sender.send(row)
    except Exception as exc:  # recorded on the row for administrators, and retried later
        _record_failure(row, exc, now=clock())
        return FAILED
    recorded = _held(row).update(
        state=Delivery.State.SENT, sent_at=clock(), next_attempt_at=None, last_error="", body_text="", body_html="",
        attachments=[],
    )
    if not recorded:
        logger.warning("delivery %s was sent, but its claim had been settled meanwhile", row.pk)
    return SENT


def _held(row: Delivery):
    # Writes only while the row is still this sender's claim (a stale-claim sweep may have settled it).
    return Delivery.objects.filter(pk=row.pk, state=Delivery.State.CLAIMED, attempts=row.attempts)


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=settings.MLTRACK_DELIVERY_RETRY_MINUTES * 2 ** (attempts - 1))


def _record_failure(row: Delivery, exc: Exception, *, now: dt.datetime) -> None:
    error = f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT]
    retry_at = now + retry_delay(row.attempts) if row.attempts < settings.MLTRACK_DELIVERY_ATTEMPTS else None
    logger.warning("could not send %s %s to %s (attempt %s): %s", row.kind, row.period, row.recipient, row.attempts,
                   error)
    _held(row).update(state=Delivery.State.FAILED, last_error=error, next_attempt_at=retry_at)


def settle_stale_claims(*, now: dt.datetime) -> int:
    """Mark claims that were never settled as failed, without a retry (see the module's docstring)."""
    return Delivery.objects.stale_claims(before=now - CLAIM_TIMEOUT).update(
        state=Delivery.State.FAILED, last_error=STALE_CLAIM_MESSAGE, next_attempt_at=None
    )


class RetryResult(NamedTuple):
    sent: int
    failed: int
    stale: int
    due: int

    def summary(self) -> str:
        return (f"retries: {self.sent} sent, {self.failed} failed again, {self.stale} unsettled claim(s) marked failed"
                if self.due or self.stale else "retries: none due")


def retry_deliveries(*, now: dt.datetime, clock: Clock | None = None, dry_run: bool = False) -> RetryResult:
    """Send again every failed email whose pause is over and that has attempts left, each claimed by
    a conditional UPDATE (so two passes never send one twice); first, settle stale claims."""
    clock = clock or (lambda: now)
    max_attempts = settings.MLTRACK_DELIVERY_ATTEMPTS
    due = list(Delivery.objects.due_for_retry(now=now, max_attempts=max_attempts).order_by("next_attempt_at", "pk")
               .values_list("pk", flat=True)[:RETRY_BATCH])
    if dry_run:
        stale = Delivery.objects.stale_claims(before=now - CLAIM_TIMEOUT).count()
        return RetryResult(0, 0, stale, len(due))
    stale = settle_stale_claims(now=now)
    sent = failed = 0
    sender = Sender()
    try:
        for pk in due:
            claimed = Delivery.objects.due_for_retry(now=now, max_attempts=max_attempts).filter(pk=pk).update(
                state=Delivery.State.CLAIMED, attempts=F("attempts") + 1, claimed_at=clock()
            )
            if not claimed:
                continue  # another pass took it
            if send_claimed(Delivery.objects.get(pk=pk), sender=sender, clock=clock) == SENT:
                sent += 1
            else:
                failed += 1
    finally:
        sender.close()
    return RetryResult(sent, failed, stale, len(due))


def send_again(*, delivery_id: int, actor: Actor, now: dt.datetime) -> Delivery:
    """Let a failed email (given up, or an unsettled claim) be sent once more by the next retry pass,
    which is sent to the worker when this commits. Administrators only."""
    require(actor, permissions.can_manage, "send a failed email again")
    row = Delivery.objects.get(pk=delivery_id)
    if row.state != Delivery.State.FAILED:
        raise ValueError(NOT_FAILED_MESSAGE.format(state=row.get_state_display().lower()))
    attempts = min(row.attempts, settings.MLTRACK_DELIVERY_ATTEMPTS - 1)
    Delivery.objects.filter(pk=row.pk, state=Delivery.State.FAILED).update(attempts=attempts, next_attempt_at=now)
    transaction.on_commit(_queue_retry)
    row.refresh_from_db()
    return row


def _queue_retry() -> None:
    from notifications.tasks import retry_deliveries as task

    try:
        task.delay()
    except Exception:  # the broker is down: the retry pass on the schedule sends it
        logger.exception("could not queue the retry pass; the scheduled one will send the email")
