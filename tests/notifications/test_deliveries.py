"""Sent once: a failed send is recorded and retried (with the same message) up to its attempts; a
claim that was never settled is not sent again by itself; administrators send it again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from common.actors import Actor
from notifications import deliver
from notifications.deliver import STALE_CLAIM_MESSAGE, Message, retry_deliveries, send_again
from notifications.digests import send_review_digests
from notifications.models import Delivery
from tests.notifications import backends
from tests.notifications.conftest import MORNING, at, fixed, model_due, sent_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    backends.REFUSED.clear()
    yield backends.REFUSED
    backends.REFUSED.clear()


@pytest.fixture
def late(people):
    return model_due(-4, owner=people["alice"])


def digest_of(address: str) -> Delivery:
    return Delivery.objects.get(recipient=address, kind=Delivery.Kind.DAILY_DIGEST)


def test_a_failed_send_is_recorded_and_retried_later_with_the_same_message(late, people, refusing, settings):
    settings.MLTRACK_DELIVERY_RETRY_MINUTES = 15
    refusing.add("alice@bank.example")

    result = send_review_digests(now=MORNING, clock=fixed(MORNING))

    row = digest_of("alice@bank.example")
    assert row.state == Delivery.State.FAILED and row.attempts == 1
    assert "SMTPRecipientsRefused" in row.last_error and "mailbox unavailable" in row.last_error
    assert row.next_attempt_at == MORNING + dt.timedelta(minutes=15)
    assert "1 failed (retried later)" in result.summary()
    assert sent_to("bob@bank.example") and not sent_to("alice@bank.example")  # others went out

    # Not before its pause is over; then once, with what was claimed, even after the data changed.
    assert retry_deliveries(now=at(0.2)).summary() == "retries: none due"
    model_due(-1, owner=people["alice"], model_name="added-since")
    refusing.clear()
    assert retry_deliveries(now=at(0.25)).summary().startswith("retries: 1 sent")
    assert retry_deliveries(now=at(1)).summary() == "retries: none due"

    (message,) = sent_to("alice@bank.example")
    assert "added-since" not in message.body and message.subject == row.subject
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT and row.attempts == 2 and row.next_attempt_at is None
    # Once sent, the message is dropped and its digest kept.
    assert row.body_text == row.body_html == "" and len(row.content_sha256) == 64


def test_retries_back_off_and_stop_after_the_last_attempt(late, refusing, settings):
    settings.MLTRACK_DELIVERY_ATTEMPTS = 3
    settings.MLTRACK_DELIVERY_RETRY_MINUTES = 10
    refusing.add("alice@bank.example")
    send_review_digests(now=MORNING, clock=fixed(MORNING))

    retry_deliveries(now=at(10 / 60))  # second send, fails: next in 20 minutes
    row = digest_of("alice@bank.example")
    assert row.attempts == 2 and row.next_attempt_at == at(30 / 60)
    retry_deliveries(now=at(30 / 60))  # third and last
    row.refresh_from_db()

    assert row.state == Delivery.State.FAILED and row.attempts == 3 and row.next_attempt_at is None
    assert retry_deliveries(now=at(48)).summary() == "retries: none due"
    assert not sent_to("alice@bank.example")


def test_a_claim_never_settled_is_marked_failed_and_not_sent_again_by_itself(late):
    # A sender that died between its claim and the outcome: the email may have gone out.
    Delivery.objects.create(recipient="alice@bank.example", kind=Delivery.Kind.DAILY_DIGEST, period="2026-11-27",
                            subject="s", content_sha256="h", claimed_at=MORNING, body_text="the digest")

    send_review_digests(now=at(0.1), clock=fixed(at(0.1)))
    assert digest_of("alice@bank.example").state == Delivery.State.CLAIMED  # not stale yet: left alone
    result = retry_deliveries(now=at(1))

    row = digest_of("alice@bank.example")
    assert result.stale == 1 and row.state == Delivery.State.FAILED and row.last_error == STALE_CLAIM_MESSAGE
    assert row.next_attempt_at is None and not sent_to("alice@bank.example")
    assert retry_deliveries(now=at(5)).sent == 0


def test_an_administrator_sends_a_given_up_email_again_once(late, people, refusing, settings,
                                                           django_capture_on_commit_callbacks):
    settings.MLTRACK_DELIVERY_ATTEMPTS = 1
    refusing.add("alice@bank.example")
    send_review_digests(now=MORNING, clock=fixed(MORNING))
    row = digest_of("alice@bank.example")
    assert row.next_attempt_at is None
    refusing.clear()

    with django_capture_on_commit_callbacks() as callbacks:
        send_again(delivery_id=row.pk, actor=Actor.for_user(people["carol"]), now=at(1))
    assert len(callbacks) == 1  # the retry pass is sent to the worker once this commits
    retry_deliveries(now=at(1))
    retry_deliveries(now=at(2))

    assert len(sent_to("alice@bank.example")) == 1
    assert digest_of("alice@bank.example").state == Delivery.State.SENT


def test_only_a_failed_email_can_be_sent_again(late, people):
    send_review_digests(now=MORNING, clock=fixed(MORNING))

    with pytest.raises(ValueError, match="Only a failed email can be sent again; this one is sent"):
        send_again(delivery_id=digest_of("alice@bank.example").pk, actor=Actor.for_user(people["carol"]), now=at(1))


@pytest.mark.parametrize("persona", ["alice", "bob", "erin", "charlie"])
def test_only_administrators_send_again(late, people, refusing, persona):
    refusing.add("alice@bank.example")
    send_review_digests(now=MORNING, clock=fixed(MORNING))

    with pytest.raises(PermissionDenied, match=f"{persona} \\(role: .*\\) may not send a failed email again"):
        send_again(delivery_id=digest_of("alice@bank.example").pk, actor=Actor.for_user(people[persona]), now=at(1))


def test_two_retry_passes_never_send_one_email_twice(late, refusing):
    refusing.add("alice@bank.example")
    send_review_digests(now=MORNING, clock=fixed(MORNING))
    refusing.clear()
    pk = digest_of("alice@bank.example").pk
    # The first pass claims the row between the second pass's read and its claim.
    first = Delivery.objects.due_for_retry(now=at(1), max_attempts=5).filter(pk=pk).update(
        state=Delivery.State.CLAIMED, attempts=2, claimed_at=at(1))

    second = retry_deliveries(now=at(1))

    assert first == 1 and second.sent == 0 and not sent_to("alice@bank.example")


def test_an_email_the_backend_accepts_without_sending_is_a_failure(db, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.SilentBackend"
    message = Message(kind=Delivery.Kind.ALARM, period="p", to="x@bank.example", subject="s", text="t", html="")

    outcome = deliver.deliver(message, sender=deliver.Sender(), clock=fixed(MORNING))

    assert outcome == deliver.FAILED
    assert Delivery.objects.get().last_error == f"RuntimeError: {deliver.NOTHING_SENT_MESSAGE}"


def test_addresses_are_claimed_in_any_case(db):
    first = Message(kind=Delivery.Kind.ALARM, period="p", to="Alice@Bank.example", subject="s", text="t", html="")
    second = Message(kind=Delivery.Kind.ALARM, period="p", to="alice@bank.example ", subject="s", text="t", html="")

    outcomes = [deliver.deliver(message, sender=deliver.Sender(), clock=fixed(MORNING)) for message in (first, second)]

    assert outcomes == [deliver.SENT, deliver.SKIPPED] and len(mail.outbox) == 1


# The console page


def failed_row(index: int) -> Delivery:
    return Delivery.objects.create(
        recipient=f"r{index}@bank.example", kind=Delivery.Kind.DAILY_DIGEST, period="2026-11-27",
        subject=f"digest {index}",
        content_sha256="h", state=Delivery.State.FAILED, attempts=5, claimed_at=MORNING,
        last_error="SMTPRecipientsRefused: {'r@bank.example': (550, b'mailbox unavailable')}", body_text="x",
    )


def test_administrators_see_failed_emails_and_send_them_again(client, people, frozen_clock):
    row = failed_row(1)
    Delivery.objects.create(recipient="ok@bank.example", kind=Delivery.Kind.DAILY_DIGEST, period="2026-11-27",
                            subject="went out", content_sha256="h", state=Delivery.State.SENT, claimed_at=MORNING)
    client.force_login(people["carol"])
    url = reverse("notifications:deliveries")

    page = client.get(url).content.decode()
    assert "digest 1" in page and "mailbox unavailable" in page and "5 of 5" in page
    assert "went out" not in page  # sent emails are not listed

    response = client.post(reverse("notifications:send-again", args=[row.pk]), follow=True)
    assert "The email to r1@bank.example will be sent again within minutes." in response.content.decode()
    row.refresh_from_db()
    assert row.attempts == 4 and row.next_attempt_at is not None


def test_sending_again_an_email_that_went_out_says_why_not(client, people):
    row = Delivery.objects.create(recipient="ok@bank.example", kind=Delivery.Kind.ALARM, period="p", subject="s",
                                  content_sha256="h", state=Delivery.State.SENT, claimed_at=MORNING)
    client.force_login(people["carol"])

    response = client.post(reverse("notifications:send-again", args=[row.pk]), follow=True)

    assert "Only a failed email can be sent again; this one is sent." in response.content.decode()


@pytest.mark.parametrize("persona", ["alice", "bob", "erin", "charlie"])
def test_the_failed_emails_page_is_for_administrators(client, people, persona):
    row = failed_row(1)
    client.force_login(people[persona])

    assert client.get(reverse("notifications:deliveries")).status_code == 403
    assert client.post(reverse("notifications:send-again", args=[row.pk])).status_code == 403
    row.refresh_from_db()
    assert row.attempts == 5


def test_the_failed_emails_page_takes_the_same_queries_for_more_rows(client, people, django_assert_max_num_queries):
    client.force_login(people["carol"])
    failed_row(0)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("notifications:deliveries"))
    for index in range(1, 30):
        failed_row(index)
    with django_assert_max_num_queries(10) as more:
        client.get(reverse("notifications:deliveries"))

    assert len(few) == len(more)
