"""Daily compliance snapshots: taken by the scheduler, rebuilt for past days from the history."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.engine import summarize
from compliance.rules import RULESET
from inventory import services
from inventory.models import AIModel
from reports import snapshots
from reports.models import ComplianceSnapshot
from reports.tasks import take_compliance_snapshot
from tests.factories import make_model

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
# Deployed recently: a first review is not yet due, so a model passes unless a test breaks a rule.
RECENT = dt.date(2026, 11, 1)


def whole(day: dt.date) -> ComplianceSnapshot:
    return ComplianceSnapshot.objects.get(day=day, scope="")


def test_todays_snapshot_is_the_engines_summary_per_tier_and_in_all(db, today):
    make_model(model_name="a", risk_tier="critical")
    make_model(model_name="b", risk_tier="high", data_classification="")
    snapshots.take_snapshot(today=today, now=NOW)
    summary = summarize(today=today)
    snapshot = whole(today)
    assert (snapshot.evaluated, snapshot.passed, snapshot.failed) == (summary.evaluated, summary.passed, summary.failed)
    assert snapshot.compliance_rate == summary.compliance_rate
    assert snapshot.ruleset_hash == RULESET.content_hash and snapshot.source == "scheduled"
    high = ComplianceSnapshot.objects.get(day=today, scope="high")
    assert (high.evaluated, high.failed) == (1, 1)
    assert ComplianceSnapshot.objects.get(day=today, scope="low").evaluated == 0


def test_taking_it_again_the_same_day_replaces_it(db, today):
    make_model(model_name="a", deployment_date=RECENT, with_current_card=True)
    snapshots.take_snapshot(today=today, now=NOW)
    make_model(model_name="b", data_classification="", deployment_date=RECENT, with_current_card=True)
    snapshots.take_snapshot(today=today, now=NOW)
    assert ComplianceSnapshot.objects.filter(day=today).count() == 5
    assert (whole(today).evaluated, whole(today).failed) == (2, 1)


def test_the_scheduler_task_takes_todays_snapshot(db):
    make_model(model_name="a", deployment_date=RECENT)
    with time_machine.travel(NOW):
        assert take_compliance_snapshot() == "5 compliance snapshot(s) taken"
    assert whole(dt.date(2026, 11, 27)).evaluated == 1


def test_backfill_rebuilds_past_days_from_the_history(db, today):
    actor = services.Actor(name="t", trusted=True)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)):
        # With current cards; the change on the 23rd makes a's card out of date as well.
        model = make_model(model_name="a", today=dt.date(2026, 11, 20), deployment_date=RECENT, with_current_card=True)
        make_model(model_name="b", today=dt.date(2026, 11, 20), deployment_date=RECENT, with_current_card=True)
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)):
        # From the 23rd the model has no data classification: it fails.
        services.update_model(model=model, changes={"data_classification": ""}, actor=actor, today=dt.date(2026, 11, 23))
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)):
        services.delete_model(model=AIModel.objects.get(model_name="b"), actor=actor)
    written = snapshots.backfill(days=10, today=today, now=NOW)
    assert written == 7  # the 20th to the 26th: nothing before the first history record
    assert not ComplianceSnapshot.objects.filter(day__lt=dt.date(2026, 11, 20)).exists()
    assert (whole(dt.date(2026, 11, 22)).evaluated, whole(dt.date(2026, 11, 22)).failed) == (2, 0)
    assert (whole(dt.date(2026, 11, 23)).evaluated, whole(dt.date(2026, 11, 23)).failed) == (2, 1)
    assert (whole(dt.date(2026, 11, 26)).evaluated, whole(dt.date(2026, 11, 26)).failed) == (1, 1)
    assert whole(dt.date(2026, 11, 26)).source == "backfill"
    assert snapshots.backfill(days=10, today=today, now=NOW) == 0  # idempotent


def test_backfill_keeps_days_already_taken(db, today):
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)):
        make_model(model_name="a", today=dt.date(2026, 11, 20))
    snapshots.take_snapshot(today=dt.date(2026, 11, 21), now=NOW)
    ComplianceSnapshot.objects.filter(day=dt.date(2026, 11, 21), scope="").update(evaluated=99)
    snapshots.backfill(days=10, today=today, now=NOW)
    assert whole(dt.date(2026, 11, 21)).evaluated == 99


def test_backfill_queries_per_day_not_per_model(db, today):
    counts = []
    for size in (3, 30):
        ComplianceSnapshot.objects.all().delete()
        with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)):
            while AIModel.objects.count() < size:
                make_model(today=dt.date(2026, 11, 20))
        with CaptureQueriesContext(connection) as queries:
            snapshots.backfill(days=3, today=today, now=NOW)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_command_backfills_and_takes_today(db, capsys):
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)):
        make_model(model_name="a", today=dt.date(2026, 11, 25))
    with time_machine.travel(NOW):
        call_command("backfill_compliance_snapshots", "--days", "5")
    assert "Rebuilt 2 past day(s)" in capsys.readouterr().out
    assert ComplianceSnapshot.objects.filter(scope="").count() == 3


def test_the_command_refuses_a_silly_number_of_days(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--days must be between 1 and 3660"):
        call_command("backfill_compliance_snapshots", "--days", "0")
