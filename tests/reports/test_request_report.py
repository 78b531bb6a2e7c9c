"""Asking for a report made in the background: the service checks the actor's role itself, whatever
interface called it, and refuses an unknown report or format."""

from __future__ import annotations

import datetime as dt

import pytest

from common.actors import Actor
from common.authz import Refused
from reports import jobs
from reports.data import BadReportRequest
from reports.models import ReportJob

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def ask(actor: Actor, kind: str = "risk", fmt: str = "pdf") -> ReportJob:
    return jobs.request_report(kind, fmt=fmt, filters={"risk_tier": "high", "vendor": " "}, actor=actor, now=NOW,
                               today=NOW.date())


def test_a_reader_gets_a_queued_job_with_a_deadline_to_be_claimed(db, erin):
    job = ask(Actor.for_user(erin))
    assert (job.state, job.requested_by, job.requested_by_name, job.stage) == ("queued", erin, "erin",
                                                                               jobs.WAITING_STAGE)
    assert job.filters == {"risk_tier": "high"} and job.attempts == 0
    assert job.lease_expires_at == NOW + jobs.UNCLAIMED_RESEND_AFTER


def test_a_trusted_operator_may_ask_without_an_account(db):
    job = ask(Actor.system("scheduler"))
    assert job.requested_by is None and job.requested_by_name == "system:scheduler"


def test_an_account_without_a_role_is_refused(db, charlie):
    with pytest.raises(Refused, match=r"charlie \(role: none\) may not ask for reports"):
        ask(Actor.for_user(charlie))
    assert not ReportJob.objects.exists()


def test_a_deactivated_account_is_refused(db, bob):
    bob.is_active = False
    bob.save()
    with pytest.raises(Refused):
        ask(Actor.for_user(bob))
    assert not ReportJob.objects.exists()


def test_an_actor_with_neither_account_nor_trust_is_refused(db):
    with pytest.raises(Refused, match="neither a user account nor a trusted operator"):
        ask(Actor(name="forgot-to-say"))


@pytest.mark.parametrize(
    ("kind", "fmt", "message"),
    [
        ("budget", "pdf", "Unknown report 'budget': choose compliance, inventory, risk."),
        ("risk", "xlsx", "Reports are made in the background as pdf, oscal, csv, json, not 'xlsx'."),
    ],
)
def test_an_unknown_report_or_format_is_refused(db, bob, kind, fmt, message):
    with pytest.raises(BadReportRequest) as refused:
        ask(Actor.for_user(bob), kind=kind, fmt=fmt)
    assert str(refused.value) == message
    assert not ReportJob.objects.exists()
