"""The daily scan and the digests: who gets what, what it says, and that it is sent once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.actors import Actor
from notifications import digests
from notifications.digests import compose_all, send_review_digests
from notifications.models import Delivery, DigestSubscription
from notifications.subscriptions import save_subscription
from tests.conftest import TODAY, make_user
from tests.factories import decommission, record_review
from tests.notifications.conftest import MORNING, at, fixed, html_of, model_due, sent_to

pytestmark = pytest.mark.django_db


def send(now: dt.datetime = MORNING, **options):
    return send_review_digests(now=now, clock=fixed(now), **options)


def subscribe(user, scope: str, value: str = "", frequency: str = "daily") -> DigestSubscription:
    return save_subscription(user=user, scope=scope, value=value, frequency=frequency, actor=Actor.for_user(user),
                             now=MORNING)


@pytest.fixture
def inventory(people):
    """Overdue, due-soon and far-off reviews; alice owns two of them."""
    made = {
        "critical-late": {"days": -45, "tier": "critical", "business_line": "Cards"},
        "high-late": {"days": -3, "business_line": "Retail Banking", "owner": people["alice"]},
        "due-today": {"days": 0, "tier": "medium", "business_line": "Cards"},
        "due-in-5": {"days": 5, "business_line": "retail banking"},
        "due-in-20": {"days": 20, "tier": "low", "owner": people["alice"]},
        "far-off": {"days": 60, "tier": "low"},
    }
    return {name: model_due(fields.pop("days"), model_name=name, **fields) for name, fields in made.items()}


def names_in(message) -> list[str]:
    return [line.split(" (")[0].removeprefix("- ") for line in message.body.splitlines() if line.startswith("- ")]


def test_it_sends_each_role_its_default_digest(inventory, people):
    result = send()

    assert {message.to[0] for message in mail.outbox if "digest" in message.subject} == {
        "carol@bank.example", "bob@bank.example", "alice@bank.example"}
    # Administrators and model risk officers: the whole inventory, worst first; nothing not yet due soon.
    whole = ["critical-late", "high-late", "due-today", "due-in-5", "due-in-20"]
    assert names_in(sent_to("bob@bank.example")[0]) == whole
    # A model owner: the models she owns.
    assert names_in(sent_to("alice@bank.example")[0]) == ["high-late", "due-in-20"]
    # The examiner owns nothing due, and charlie's role cannot read the inventory: no email.
    assert sent_to("erin@bank.example") == sent_to("charlie@bank.example") == []
    assert result.summary() == "digests: sent 3 daily, 0 weekly, 1 escalation; 0 failed (retried later); 0 already sent"


def test_the_subject_says_how_many_and_how_bad(inventory, people):
    send()

    assert sent_to("bob@bank.example")[0].subject == (
        "MLTrack digest: 2 reviews overdue (worst 45 days, 1 critical), 3 due within 30 days")
    assert sent_to("alice@bank.example")[0].subject == (
        "MLTrack digest: 1 review overdue (worst 3 days), 1 due within 30 days")


def test_a_digest_with_nothing_overdue_says_when_the_next_review_is_due(people):
    model_due(6, owner=people["alice"])
    model_due(12, owner=people["alice"])

    send()

    assert sent_to("alice@bank.example")[0].subject == "MLTrack digest: 2 reviews due within 30 days (next in 6 days)"


def test_both_parts_group_the_reviews_worst_first_with_absolute_links(inventory, people, settings):
    settings.MLTRACK_BASE_URL = "https://mltrack.bank.example/console"
    send()
    message = sent_to("bob@bank.example")[0]
    text, html = message.body, html_of(message)
    late = inventory["critical-late"]

    assert text.index("Overdue") < text.index("Due within 1 day") < text.index("Due within 7 days") < text.index(
        "Due within 30 days")
    assert f"- critical-late (Critical, Cards): due {late.next_review_date}, 45 days overdue (escalated)" in text
    assert "- due-today (Medium, Cards): due 2026-11-27, due today" in text
    assert f"https://mltrack.bank.example/console/models/{late.pk}/" in text
    assert f'<a href="https://mltrack.bank.example/console/models/{late.pk}/"' in html
    assert "https://mltrack.bank.example/console/models/?review=overdue&amp;sort=next_review" in html
    assert "https://mltrack.bank.example/console/notifications/" in text
    assert "1 of them is overdue 30 days or more and escalated" in text


def test_stored_text_is_escaped_in_the_html_part_and_plain_in_the_text(people):
    model_due(-2, model_name="<b>fraud</b>&co", business_line="R&D <Labs>")

    send()
    message = sent_to("bob@bank.example")[0]

    assert "&lt;b&gt;fraud&lt;/b&gt;&amp;co" in html_of(message) and "<b>fraud</b>" not in html_of(message)
    assert "R&amp;D &lt;Labs&gt;" in html_of(message)
    assert "- <b>fraud</b>&co (High, R&D <Labs>)" in message.body


def test_a_long_list_shows_the_worst_and_counts_the_rest(people, settings):
    settings.MLTRACK_DIGEST_MAX_ITEMS = 2
    for days in (-9, -1, -30, 4):
        model_due(days, owner=people["alice"])

    send()
    message = sent_to("alice@bank.example")[0]

    assert len(names_in(message)) == 2 and "... and 2 more." in message.body
    assert "4 reviews" not in message.subject
    assert message.subject.startswith("MLTrack digest: 3 reviews overdue (worst 30 days)")


def test_running_again_or_at_once_sends_nothing_twice(inventory, people):
    send()
    count = len(mail.outbox)

    again = send(at(1))
    send(at(5))

    assert len(mail.outbox) == count == Delivery.objects.count() == 4
    assert again.already == 4 and "0 daily" in again.summary()
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}


def test_a_recipient_claimed_by_another_run_meanwhile_is_skipped(inventory, people, monkeypatch):
    # Another worker claims bob's digest after this run read who had theirs, before it sends.
    messages, _ = compose_all(now=MORNING)
    real = digests.compose_all

    def claimed_meanwhile(*, now):
        found = real(now=now)
        Delivery.objects.create(recipient="bob@bank.example", kind=Delivery.Kind.DAILY_DIGEST, period="2026-11-27",
                                subject="x", content_sha256="x", state=Delivery.State.SENT, claimed_at=now)
        return found

    monkeypatch.setattr(digests, "compose_all", claimed_meanwhile)
    result = send()

    assert sent_to("bob@bank.example") == []
    assert "1 already sent" in result.summary()
    assert len(messages) == 4


def test_the_hourly_run_waits_for_the_digest_hour(inventory, people, settings):
    settings.MLTRACK_DIGEST_HOUR = 10

    waiting = send(MORNING)  # 09:00
    assert waiting.summary() == "digests: not yet (they go out from 10:00, UTC)" and mail.outbox == []
    assert send(MORNING, wait_for_hour=False).count(Delivery.Kind.DAILY_DIGEST, "sent") == 3


def test_the_day_is_the_local_day(inventory, people, settings):
    # 23:30 UTC on TODAY is already the next day in Sydney: a new period.
    settings.TIME_ZONE = "Australia/Sydney"
    send(MORNING.replace(hour=23, minute=30))

    assert set(Delivery.objects.values_list("period", flat=True)) == {"2026-11-28"}


def test_a_dry_run_composes_and_sends_nothing(inventory, people):
    result = send(dry_run=True)

    assert mail.outbox == [] and not Delivery.objects.exists()
    assert result.summary() == (
        "digests: would send 3 daily, 0 weekly, 1 escalation; 0 failed (retried later); 0 already sent")


def test_subscriptions_replace_the_default(inventory, people):
    subscribe(people["alice"], "business_line", "RETAIL banking")  # any case
    subscribe(people["alice"], "risk_tier", "critical")
    subscribe(people["bob"], "all", frequency="off")

    send()

    assert names_in(sent_to("alice@bank.example")[0]) == ["critical-late", "high-late", "due-in-5"]
    assert sent_to("bob@bank.example") == []


def test_weekly_digests_go_once_a_week_from_the_weekday(inventory, people, settings):
    settings.MLTRACK_DIGEST_WEEKDAY = 6  # Saturday; TODAY is a Friday
    subscribe(people["erin"], "all", frequency="weekly")

    send()
    assert sent_to("erin@bank.example") == []
    send(at(24))  # Saturday
    send(at(48))  # Sunday, same ISO week
    send(at(24 * 8))  # the next Saturday

    weekly = sent_to("erin@bank.example")
    assert [message.subject.split(":")[0] for message in weekly] == ["MLTrack weekly digest"] * 2
    assert sorted(Delivery.objects.filter(kind=Delivery.Kind.WEEKLY_DIGEST).values_list("period", flat=True)) == [
        "2026-W48", "2026-W49"]
    assert "This week's review digest" in weekly[0].body


def test_inactive_accounts_and_accounts_without_an_address_get_nothing(inventory, people):
    people["bob"].is_active = False
    people["bob"].save()
    make_user("dave", "model-risk-officer")  # no email

    send()

    assert sent_to("bob@bank.example") == []
    assert {message.to[0] for message in mail.outbox} == {"carol@bank.example", "alice@bank.example"}


def test_reviewed_and_retired_models_drop_out(people):
    reviewed = model_due(-10)
    retired = model_due(-10)
    record_review(reviewed, review_date=TODAY)
    decommission(retired)
    model_due(-1, model_name="still-late")

    send()

    assert names_in(sent_to("bob@bank.example")[0]) == ["still-late"]


def test_escalation_goes_to_the_configured_addresses_once_a_day(inventory, people, settings):
    settings.MLTRACK_ESCALATION_EMAILS = ["head.of.model.risk@bank.example"]
    settings.MLTRACK_ESCALATION_DAYS = 40

    send()
    send(at(2))

    (message,) = sent_to("head.of.model.risk@bank.example")
    assert message.subject == "MLTrack escalation: 1 review overdue 40 days or more (worst 45 days, 1 critical)"
    assert names_in(message) == ["critical-late"]
    assert not [m for m in sent_to("carol@bank.example") if "escalation" in m.subject]


def test_without_escalation_addresses_the_administrators_are_escalated_to(inventory, people):
    send()

    (escalation,) = [m for m in mail.outbox if m.subject.startswith("MLTrack escalation")]
    assert escalation.to == ["carol@bank.example"]
    assert "These reviews have been overdue 30 days or more" in escalation.body


def test_building_every_digest_takes_the_same_queries_for_more_models_and_recipients(people):
    for days in (-5, 3):
        model_due(days, owner=people["alice"])

    with CaptureQueriesContext(connection) as small:
        few, _ = compose_all(now=MORNING)
    for index in range(15):
        user = make_user(f"owner{index}", "model-owner", email=f"owner{index}@bank.example")
        model_due(-index, owner=user, business_line=f"Line {index % 3}")
        if index % 2:
            subscribe(user, "business_line", f"line {index % 3}", frequency="daily")
    with CaptureQueriesContext(connection) as large:
        many, _ = compose_all(now=MORNING)

    assert len(many) > len(few)
    assert len(small) == len(large) <= 8, [query["sql"] for query in large.captured_queries]
