"""The nightly verification of the audit trail, its checkpoint sent outside the database, and the
alarm a failure raises.

``verify_audit_trail`` (hourly, acting once a night from MLTRACK_VERIFY_HOUR; ``manage.py
verify_audit_trail`` at any time) runs reviews.verify.verify_chain as the scheduler. When the trail
verifies, the head is signed and anchored as a checkpoint (reviews.anchors), and the checkpoint is
emailed to MLTRACK_AUDIT_EMAILS: a copy that whoever controls the database and the server cannot
recall. When it does not, an alarm is raised (or the open one updated): the console shows it as a
banner to everyone who may read the audit trail until an administrator acknowledges it, and it is
emailed to every administrator and to the audit addresses.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from common.actors import Actor
from common.authz import require
from common.text import clean_text
from notifications import deliver, emails, permissions, recipients
from notifications.deliver import Clock
from notifications.models import AuditAlarm, Verification
from reviews.anchors import Checkpoint
from reviews.hashing import as_text
from reviews.models import ChainCheckpoint
from reviews.verify import verify_chain

logger = logging.getLogger(__name__)

VERIFIER = "nightly verification"
NOT_YET_MESSAGE = "verification: not yet (it runs from {hour:02d}:00, {zone})"
ALREADY_MESSAGE = "verification: tonight's has run already ({summary})"
COULD_NOT_RUN_MESSAGE = "The verification could not run: {error}"
STALLED_MESSAGE = "The verification that started at {started} never finished (its worker stopped)."
# A night's verification not finished by then has lost its worker (a million records take under a minute).
STALLED_AFTER = dt.timedelta(hours=3)
ALREADY_ACKNOWLEDGED_MESSAGE = "This alarm was acknowledged already, by {who} at {when}."
NOTE_TOO_LONG_MESSAGE = "The note has at most 2,000 characters ({length} given)."


@dataclass
class VerifyResult:
    summary: str
    ok: bool | None = None
    verification: Verification | None = None
    alarm: AuditAlarm | None = None
    emailed: int = 0
    failed_emails: int = 0
    dry_run: bool = False

    def line(self) -> str:
        if self.ok is None:
            return self.summary
        prefix = "verification (dry run, nothing signed or sent)" if self.dry_run else "verification"
        mail = "" if self.dry_run else f"; {self.emailed} email(s) sent, {self.failed_emails} failed (retried later)"
        alarm = "; alarm raised" if self.alarm is not None else ""
        return f"{prefix}: {self.summary}{alarm}{mail}"


def verify_audit_trail(*, now: dt.datetime, clock: Clock | None = None, nightly: bool = True,
                       dry_run: bool = False) -> VerifyResult:
    """Verify the trail, sign and send its checkpoint, or raise the alarm (see the module's docstring).

    ``nightly``: act once a night from MLTRACK_VERIFY_HOUR (the hourly task); the management command
    verifies whenever it is run. ``dry_run``: verify only (no checkpoint, alarm or email)."""
    local = timezone.localtime(now)
    if nightly and local.hour < settings.MLTRACK_VERIFY_HOUR:
        return VerifyResult(NOT_YET_MESSAGE.format(hour=settings.MLTRACK_VERIFY_HOUR, zone=settings.TIME_ZONE))
    if dry_run:
        outcome = verify_chain(now=now)
        return VerifyResult(outcome.summary(), ok=outcome.ok, dry_run=True)
    clock = clock or (lambda: now)
    run = _claim(night=local.date() if nightly else None, now=now)
    if run is None:
        earlier = Verification.objects.get(night=local.date())
        if earlier.finished_at is None and now - earlier.started_at > STALLED_AFTER:
            return _stalled(earlier, now=now, clock=clock)
        return VerifyResult(ALREADY_MESSAGE.format(summary=earlier.summary or "still running"))
    actor = Actor.system(VERIFIER)
    try:
        outcome = verify_chain(now=now, checkpoint_by=actor)
        ok, summary, count = outcome.ok, outcome.summary(), outcome.count
    except Exception as exc:  # a verification that cannot run is a failed verification: raise the alarm
        logger.exception("the verification of the audit trail could not run")
        ok, summary, count, outcome = False, COULD_NOT_RUN_MESSAGE.format(error=exc), 0, None
    checkpoint = None
    if ok and outcome is not None and outcome.count:
        checkpoint = (ChainCheckpoint.objects.filter(sequence=outcome.head_sequence, chain_hash=outcome.head_hash,
                                                     verified_at=now, verified_by=actor.name).order_by("-pk").first())
    Verification.objects.filter(pk=run.pk).update(finished_at=clock(), ok=ok, summary=summary, record_count=count,
                                                  checkpoint=checkpoint)
    run.refresh_from_db()
    result = VerifyResult(summary, ok=ok, verification=run)
    sender = deliver.Sender()
    try:
        if checkpoint is not None:
            _send_checkpoint(run, checkpoint, anchored=outcome.anchored, result=result, sender=sender, clock=clock)
        if not ok:
            result.alarm = raise_alarm(run, now=now)
            _send_alarm(run, result.alarm, result=result, sender=sender, clock=clock)
    finally:
        sender.close()
    return result


def _stalled(run: Verification, *, now: dt.datetime, clock: Clock) -> VerifyResult:
    """Tonight's verification was claimed but never finished (its worker died): that is a failed
    verification too, so the alarm is raised (once: the run is settled here)."""
    summary = STALLED_MESSAGE.format(started=f"{run.started_at:%Y-%m-%d %H:%M} UTC")
    if not Verification.objects.filter(pk=run.pk, finished_at=None).update(finished_at=now, ok=False, summary=summary):
        return VerifyResult(ALREADY_MESSAGE.format(summary="settled by another run"))
    run.refresh_from_db()
    result = VerifyResult(summary, ok=False, verification=run, alarm=raise_alarm(run, now=now))
    sender = deliver.Sender()
    try:
        _send_alarm(run, result.alarm, result=result, sender=sender, clock=clock)
    finally:
        sender.close()
    return result


def _claim(*, night: dt.date | None, now: dt.datetime) -> Verification | None:
    try:
        with transaction.atomic():
            return Verification.objects.create(night=night, started_at=now)
    except IntegrityError:
        return None  # tonight's verification was claimed by another run


def raise_alarm(run: Verification, *, now: dt.datetime) -> AuditAlarm:
    """The open alarm for this failure (updated when the same failure is seen again), or a new one."""
    alarm = AuditAlarm.objects.open().filter(summary=run.summary).first()
    if alarm is None:
        return AuditAlarm.objects.create(raised_at=now, last_seen_at=now, summary=run.summary, verification=run)
    AuditAlarm.objects.filter(pk=alarm.pk).update(last_seen_at=now, verification=run)
    alarm.refresh_from_db()
    return alarm


def _deliver(messages, *, result: VerifyResult, sender: deliver.Sender, clock: Clock) -> None:
    for message in messages:
        outcome = deliver.deliver(message, sender=sender, clock=clock)
        result.emailed += outcome == deliver.SENT
        result.failed_emails += outcome == deliver.FAILED


def _send_checkpoint(run: Verification, row: ChainCheckpoint, *, anchored: str, result: VerifyResult,
                     sender: deliver.Sender, clock: Clock) -> None:
    checkpoint = Checkpoint("", row.sequence, row.chain_hash, as_text(row.verified_at), row.verified_by,
                            row.signing_key_id or "", row.signature or "")
    document = json.dumps(checkpoint.as_dict(), indent=2, sort_keys=True) + "\n"
    file_name = f"checkpoint-{row.sequence:012d}-{row.verified_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.json"
    context = {"checkpoint": checkpoint, "document": document, "anchored": anchored, "count": run.record_count,
               "file_name": file_name, "verify_url": emails.absolute(reverse("reviews:verify"))}
    messages = [emails.checkpoint(to=address, period=f"verification-{run.pk}", context=context,
                                  attachment=(file_name, document, "application/json"))
                for address in dict.fromkeys(settings.MLTRACK_AUDIT_EMAILS)]
    _deliver(messages, result=result, sender=sender, clock=clock)


def _send_alarm(run: Verification, alarm: AuditAlarm, *, result: VerifyResult, sender: deliver.Sender,
                clock: Clock) -> None:
    addresses = dict.fromkeys([*recipients.administrator_addresses(), *settings.MLTRACK_AUDIT_EMAILS])
    context = {"summary": run.summary, "raised_at": alarm.raised_at, "started_at": run.started_at,
               "verify_url": emails.absolute(reverse("reviews:verify")),
               "alarms_url": emails.absolute(reverse("notifications:alarms"))}
    messages = [emails.alarm(to=address, period=f"verification-{run.pk}", context=context) for address in addresses]
    _deliver(messages, result=result, sender=sender, clock=clock)


def acknowledge_alarm(*, alarm_id: int, actor: Actor, note: str, now: dt.datetime) -> AuditAlarm:
    """Acknowledge an open alarm (administrators): the banner goes; the alarm and who acknowledged
    it, when and why, stay on the alarms page."""
    require(actor, permissions.can_manage, "acknowledge audit trail alarms")
    note = clean_text(note or "", label="Note")
    if len(note) > 2000:
        raise ValidationError({"note": NOTE_TOO_LONG_MESSAGE.format(length=len(note))})
    alarm = AuditAlarm.objects.get(pk=alarm_id)
    acknowledged = AuditAlarm.objects.open().filter(pk=alarm_id).update(
        acknowledged_at=now, acknowledged_by=actor.user, acknowledged_by_name=actor.name, note=note,
    )
    alarm.refresh_from_db()
    if not acknowledged:
        raise ValidationError(ALREADY_ACKNOWLEDGED_MESSAGE.format(
            who=alarm.acknowledged_by_name, when=f"{alarm.acknowledged_at:%Y-%m-%d %H:%M} UTC"))
    return alarm
