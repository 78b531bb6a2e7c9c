"""The nightly verification: once a night, its signed checkpoint emailed to internal audit; a failure
raises an alarm that administrators are emailed and everyone who reads the trail sees until it is
acknowledged."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from common.actors import Actor
from common.signing import trusted_keys
from notifications import nightly
from notifications.models import AuditAlarm, Delivery, Verification
from notifications.nightly import acknowledge_alarm, verify_audit_trail
from reviews.anchors import anchored_files, read_file
from reviews.models import ChainCheckpoint
from tests.factories import make_model, record_review
from tests.notifications.conftest import MORNING, at, fixed, html_of, sent_to

pytestmark = pytest.mark.django_db
NIGHT = MORNING.replace(hour=3)


@pytest.fixture
def trail(people, settings):
    settings.MLTRACK_AUDIT_EMAILS = ["internal.audit@bank.example"]
    models = [make_model(model_name=f"model-{n}") for n in range(2)]
    return [record_review(models[n % 2], review_date=dt.date(2026, 11, n + 1)).review for n in range(4)]


def tamper(review) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_aimodel SET risk_tier = 'low' WHERE id = %s", [review.model_id])


def verify(now: dt.datetime = NIGHT, **options):
    return verify_audit_trail(now=now, clock=fixed(now), **options)


def test_an_intact_trail_is_checkpointed_and_the_checkpoint_emailed_to_internal_audit(trail):
    result = verify()

    checkpoint = ChainCheckpoint.objects.get()
    run = Verification.objects.get()
    assert result.ok and run.ok and run.night == NIGHT.date() and run.checkpoint == checkpoint
    assert (checkpoint.sequence, checkpoint.verified_by) == (4, "system:nightly verification")
    assert not AuditAlarm.objects.exists()
    (message,) = sent_to("internal.audit@bank.example")
    assert message.subject == "MLTrack audit trail verified: checkpoint #4 (4 records)"
    ((name, content, media_type),) = message.attachments
    assert name.startswith("checkpoint-000000000004-") and media_type == "application/json"
    document = json.loads(content)
    assert (document["sequence"], document["chain_hash"]) == (4, checkpoint.chain_hash)
    assert document["chain_hash"] in message.body and document["chain_hash"] in html_of(message)
    # The emailed copy is a signed checkpoint that a later verification can be held to.
    emailed = read_file(_write(content))
    assert emailed.signature_problem(trusted_keys([])) is None
    assert len(anchored_files()) == 1
    assert result.line().startswith("verification: OK: 4 review records") and "1 email(s) sent" in result.line()


def _write(content: str):
    from pathlib import Path
    from tempfile import mkdtemp

    path = Path(mkdtemp()) / "emailed-checkpoint.json"
    path.write_text(content)
    return path


def test_it_runs_once_a_night_from_the_verification_hour(trail, settings):
    settings.MLTRACK_VERIFY_HOUR = 4

    assert verify(NIGHT).line() == "verification: not yet (it runs from 04:00, UTC)"
    verify(NIGHT.replace(hour=4))
    again = verify(NIGHT.replace(hour=9))

    assert again.line().startswith("verification: tonight's has run already (OK: 4 review records")
    assert Verification.objects.count() == ChainCheckpoint.objects.count() == 1
    verify(NIGHT.replace(hour=4) + dt.timedelta(days=1))  # the next night
    assert Verification.objects.count() == 2 and len(sent_to("internal.audit@bank.example")) == 2


def test_without_an_audit_address_the_checkpoint_is_anchored_but_not_emailed(trail, settings):
    settings.MLTRACK_AUDIT_EMAILS = []

    assert verify().ok
    assert mail.outbox == [] and len(anchored_files()) == 1


def test_an_empty_trail_verifies_without_a_checkpoint(people, settings):
    settings.MLTRACK_AUDIT_EMAILS = ["internal.audit@bank.example"]

    result = verify()

    assert result.ok and not ChainCheckpoint.objects.exists() and mail.outbox == []


def test_a_failure_raises_an_alarm_emailed_to_administrators_and_audit(trail, people, settings):
    settings.MLTRACK_BASE_URL = "https://mltrack.bank.example"
    tamper(trail[0])

    result = verify()

    alarm = AuditAlarm.objects.get()
    assert not result.ok and result.alarm == alarm and alarm.acknowledged_at is None
    assert alarm.summary.startswith("MODELS DISAGREE WITH THE TRAIL")
    assert not ChainCheckpoint.objects.exists()  # a broken trail is never signed
    assert {message.to[0] for message in mail.outbox} == {"carol@bank.example", "internal.audit@bank.example"}
    message = sent_to("carol@bank.example")[0]
    assert message.subject == "MLTrack ALARM: the audit trail failed its verification"
    assert alarm.summary in message.body and "https://mltrack.bank.example/notifications/alarms/" in message.body
    assert 'href="https://mltrack.bank.example/reviews/verify/"' in html_of(message)
    assert result.line().endswith("; alarm raised; 2 email(s) sent, 0 failed (retried later)")


def test_the_same_failure_the_next_night_updates_the_open_alarm(trail):
    tamper(trail[0])
    verify()
    verify(NIGHT + dt.timedelta(days=1))

    alarm = AuditAlarm.objects.get()
    assert alarm.raised_at == NIGHT and alarm.last_seen_at == NIGHT + dt.timedelta(days=1)
    # Each night's failure is emailed (one email per administrator per verification).
    assert len(sent_to("carol@bank.example")) == 2


def test_a_verification_that_cannot_run_raises_the_alarm(trail, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(nightly, "verify_chain", broken)

    result = verify()

    assert result.ok is False
    assert AuditAlarm.objects.get().summary == "The verification could not run: database unavailable"


def test_a_nights_verification_that_never_finished_raises_the_alarm_once(trail):
    # Its worker died mid-verification: the night is claimed, the verdict never written.
    Verification.objects.create(night=NIGHT.date(), started_at=NIGHT)

    assert verify(NIGHT.replace(hour=4)).line() == "verification: tonight's has run already (still running)"
    stalled = verify(NIGHT.replace(hour=7))
    verify(NIGHT.replace(hour=8))

    alarm = AuditAlarm.objects.get()
    assert stalled.ok is False and stalled.alarm == alarm
    assert alarm.summary == ("The verification that started at 2026-11-27 03:00 UTC never finished "
                             "(its worker stopped).")
    assert len(sent_to("carol@bank.example")) == 1


def test_a_dry_run_verifies_without_signing_alarming_or_sending(trail):
    tamper(trail[0])

    result = verify(dry_run=True)

    assert result.ok is False and result.line().startswith("verification (dry run, nothing signed or sent): MODELS")
    assert not AuditAlarm.objects.exists() and not Verification.objects.exists() and mail.outbox == []


# Acknowledging, and the banner


@pytest.fixture
def alarm(trail):
    tamper(trail[0])
    verify()
    return AuditAlarm.objects.get()


@pytest.mark.parametrize("persona", ["bob", "alice", "erin"])
def test_everyone_who_reads_the_trail_sees_the_banner_on_every_page(client, alarm, people, persona):
    client.force_login(people[persona])

    for url in (reverse("inventory:list"), reverse("notifications:subscriptions")):
        page = client.get(url).content.decode()
        assert "The audit trail failed its verification on 2026-11-27 03:00 UTC" in page
        assert "MODELS DISAGREE WITH THE TRAIL" in page


def test_a_role_that_cannot_read_the_trail_sees_no_banner(client, alarm, people):
    client.force_login(people["charlie"])

    assert "failed its verification" not in client.get(reverse("inventory:list")).content.decode()


def test_an_administrator_acknowledges_the_alarm_and_the_banner_goes(client, alarm, people):
    client.force_login(people["carol"])
    assert "Acknowledge" in client.get(reverse("inventory:list")).content.decode()

    response = client.post(reverse("notifications:acknowledge", args=[alarm.pk]),
                           {"note": "A DBA fixed a tier by hand; corrected through MLTrack."}, follow=True)

    page = response.content.decode()
    assert "Alarm acknowledged; the banner is gone." in page and "failed its verification on" not in page
    alarm.refresh_from_db()
    assert alarm.acknowledged_by == people["carol"] and alarm.note.startswith("A DBA fixed")
    assert "A DBA fixed a tier by hand" in client.get(reverse("notifications:alarms")).content.decode()


@pytest.mark.parametrize("persona", ["bob", "alice", "erin", "charlie"])
def test_only_administrators_acknowledge(client, alarm, people, persona):
    with pytest.raises(PermissionDenied, match=f"{persona} \\(role: .*\\) may not acknowledge audit trail alarms"):
        acknowledge_alarm(alarm_id=alarm.pk, actor=Actor.for_user(people[persona]), note="", now=at(1))
    client.force_login(people[persona])

    assert client.post(reverse("notifications:acknowledge", args=[alarm.pk]), {"note": ""}).status_code == 403
    assert AuditAlarm.objects.open().exists()


def test_an_alarm_is_acknowledged_once(alarm, people):
    acknowledge_alarm(alarm_id=alarm.pk, actor=Actor.for_user(people["carol"]), note="", now=at(1))

    with pytest.raises(ValidationError, match="acknowledged already, by carol at 2026-11-27 10:00 UTC"):
        acknowledge_alarm(alarm_id=alarm.pk, actor=Actor.for_user(people["carol"]), note="again", now=at(2))


@pytest.mark.parametrize(("note", "message"), [
    ("x" * 2001, "at most 2,000 characters (2001 given)"),
    ("looks fine\x1b[2J", "Note"),
])
def test_a_bad_note_is_refused(alarm, people, note, message):
    with pytest.raises(ValidationError, match=message.replace("(", "\\(").replace(")", "\\)")):
        acknowledge_alarm(alarm_id=alarm.pk, actor=Actor.for_user(people["carol"]), note=note, now=at(1))

    assert AuditAlarm.objects.open().exists()


def test_the_alarms_page_shows_the_nights_for_those_who_read_the_trail(client, alarm, people):
    client.force_login(people["erin"])

    page = client.get(reverse("notifications:alarms")).content.decode()

    assert "MODELS DISAGREE WITH THE TRAIL" in page and "an administrator acknowledges it" in page
    client.force_login(people["charlie"])
    assert client.get(reverse("notifications:alarms")).status_code == 403


def test_the_banner_costs_one_query(client, people, alarm, django_assert_num_queries):
    client.force_login(people["bob"])
    with_alarm = _queries(client)
    acknowledge_alarm(alarm_id=alarm.pk, actor=Actor.for_user(people["carol"]), note="", now=at(1))
    without = _queries(client)

    assert with_alarm == without == 1


def _queries(client) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("notifications:subscriptions"))
    return len([query for query in captured.captured_queries if "notifications_auditalarm" in query["sql"]])


def test_sent_emails_are_recorded_per_verification(trail):
    tamper(trail[0])
    verify()

    assert set(Delivery.objects.values_list("kind", "period")) == {
        (Delivery.Kind.ALARM, f"verification-{Verification.objects.get().pk}")}
