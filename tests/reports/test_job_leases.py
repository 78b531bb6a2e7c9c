"""A worker holds the report job it renders by a lease: a message for a job a live worker holds does
nothing, a job whose worker died is claimed again, and a worker that lost its job keeps nothing."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from django.utils import timezone

from reports import jobs
from reports.leases import Lease, LeaseLost
from reports.models import ReportJob

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.7 test"


class Clock:
    """A clock the test moves."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture(autouse=True)
def _lease(settings):
    settings.MLTRACK_REPORT_JOB_LEASE = 120
    settings.MLTRACK_REPORT_JOB_ATTEMPTS = 3


def make_job(bob, **fields) -> ReportJob:
    return ReportJob.objects.create(kind="risk", format="pdf", requested_by=bob, requested_by_name="bob",
                                    requested_at=NOW, as_of=NOW.date(), **fields)


def run(job: ReportJob, clock: Clock, worker: str = "w2@host pid 2") -> ReportJob | None:
    return jobs.run_job(str(job.pk), worker=worker, clock=clock)


def fake_render(monkeypatch, during=None) -> list[ReportJob]:
    """Replace WeasyPrint with a render that reports progress, runs ``during`` and returns PDF bytes;
    returns the job rows seen mid-render."""
    seen = []

    def render(report, progress):
        progress(40, "Laying out the pages")
        seen.append(ReportJob.objects.get())
        if during is not None:
            during(progress)
        return PDF

    monkeypatch.setattr(jobs, "render_pdf", render)
    return seen


def test_it_claims_a_queued_job_and_holds_it_for_a_lease(db, reports_dir, bob, clock, monkeypatch):
    seen = fake_render(monkeypatch)
    job = run(make_job(bob), clock, worker="w1@host pid 1")

    running = seen[0]
    assert running.state == "running" and running.attempts == 1 and running.worker == "w1@host pid 1"
    assert running.lease_expires_at == NOW + dt.timedelta(seconds=120) and running.started_at == NOW
    assert job.state == "done" and job.attempts == 1 and job.lease_expires_at is None and job.finished_at == NOW


def test_each_progress_step_renews_the_lease(db, reports_dir, bob, clock, monkeypatch):
    leases = []

    def later(progress):
        clock.advance(100)
        progress(90, "Writing 3 pages")
        leases.append(ReportJob.objects.get().lease_expires_at)

    seen = fake_render(monkeypatch, during=later)
    job = make_job(bob)
    run(job, clock)
    assert seen[0].lease_expires_at == NOW + dt.timedelta(seconds=120)
    assert leases == [NOW + dt.timedelta(seconds=220)]
    job.refresh_from_db()
    assert job.state == "done" and job.finished_at == NOW + dt.timedelta(seconds=100)


def test_a_message_for_a_job_a_live_worker_holds_does_nothing(db, reports_dir, bob, clock, monkeypatch):
    seen = fake_render(monkeypatch)
    held = make_job(bob, state="running", attempts=1, worker="w1@host pid 1", progress=40,
                    lease_expires_at=NOW + dt.timedelta(seconds=1))
    assert run(held, clock) is None
    job = ReportJob.objects.get()
    assert (job.state, job.attempts, job.worker, job.progress) == ("running", 1, "w1@host pid 1", 40)
    assert seen == []


def test_a_job_whose_worker_died_is_claimed_again_and_finished_once(db, reports_dir, bob, clock, monkeypatch):
    fake_render(monkeypatch)
    dead = make_job(bob, state="running", attempts=1, worker="w1@host pid 1", progress=40,
                    lease_expires_at=NOW - dt.timedelta(seconds=1))
    job = run(dead, clock)
    assert job.state == "done" and job.attempts == 2 and job.worker == "w2@host pid 2"
    assert run(dead, clock, worker="w3@host pid 3") is None  # the message again, or another
    assert ReportJob.objects.get().attempts == 2
    assert [path.name for path in reports_dir.rglob("*") if path.is_file()] == [job.file_name]


def test_a_job_out_of_attempts_is_left_for_the_sweeper_to_fail(db, reports_dir, bob, clock, monkeypatch):
    seen = fake_render(monkeypatch)
    dead = make_job(bob, state="running", attempts=3, lease_expires_at=NOW - dt.timedelta(seconds=1))
    assert run(dead, clock) is None
    assert ReportJob.objects.get().state == "running" and seen == []


@pytest.mark.parametrize("state", ["done", "failed"])
def test_a_message_for_a_finished_job_does_nothing(db, reports_dir, bob, clock, monkeypatch, state):
    seen = fake_render(monkeypatch)
    finished = make_job(bob, state=state, attempts=1, progress=100 if state == "done" else 40)
    assert run(finished, clock) is None
    assert ReportJob.objects.get().state == state and seen == []


def test_a_message_for_a_job_that_is_gone_does_nothing(db, clock):
    assert jobs.run_job(str(uuid.uuid4()), worker="w1@host pid 1", clock=clock) is None


def _claimed_by_another(job_pk) -> None:
    ReportJob.objects.filter(pk=job_pk).update(attempts=2, worker="w9@other pid 9",
                                               lease_expires_at=NOW + dt.timedelta(minutes=5))


def test_a_worker_that_lost_its_job_stops_at_its_next_step_and_keeps_nothing(db, reports_dir, bob, clock,
                                                                            monkeypatch):
    job = make_job(bob)

    def presumed_dead(progress):
        _claimed_by_another(job.pk)
        progress(90, "Writing 3 pages")

    fake_render(monkeypatch, during=presumed_dead)
    assert run(job, clock) is None
    job.refresh_from_db()
    assert (job.state, job.attempts, job.worker, job.progress) == ("running", 2, "w9@other pid 9", 40)
    assert not job.file and not any(reports_dir.rglob("*.pdf"))


def test_a_worker_that_lost_its_job_before_storing_removes_its_file(db, reports_dir, bob, clock, monkeypatch):
    job = make_job(bob)
    fake_render(monkeypatch, during=lambda progress: _claimed_by_another(job.pk))
    assert run(job, clock) is None
    job.refresh_from_db()
    assert job.state == "running" and job.attempts == 2 and not job.sha256 and not job.file
    assert not any(path.is_file() for path in reports_dir.rglob("*"))


def test_a_worker_whose_job_the_sweeper_failed_does_not_mark_it_done(db, reports_dir, bob, clock, monkeypatch):
    job = make_job(bob)

    def failed_meanwhile(progress):
        ReportJob.objects.filter(pk=job.pk).update(state="failed", error="The worker stopped")

    fake_render(monkeypatch, during=failed_meanwhile)
    assert run(job, clock) is None
    job.refresh_from_db()
    assert job.state == "failed" and job.error == "The worker stopped" and not job.file


def test_a_failed_render_gives_the_lease_up(db, reports_dir, bob, clock, monkeypatch):
    def broken(progress):
        raise RuntimeError("no fonts")

    fake_render(monkeypatch, during=broken)
    job = run(make_job(bob), clock)
    assert job.state == "failed" and job.lease_expires_at is None and job.finished_at == NOW


# The heartbeat thread writes through its own connection: these tests commit their rows.

def wait_for(condition, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_the_heartbeat_renews_the_lease_between_steps(transactional_reviews, bob):
    job = make_job(bob, state="running", attempts=1, lease_expires_at=timezone.now() + dt.timedelta(seconds=3))
    first = job.lease_expires_at
    with Lease(job, clock=timezone.now, seconds=3) as lease:  # a beat every second
        assert wait_for(lambda: ReportJob.objects.get().lease_expires_at > first)
        assert not lease.lost
    assert not lease._thread.is_alive()


def test_the_heartbeat_notices_that_another_worker_claimed_the_job(transactional_reviews, bob):
    job = make_job(bob, state="running", attempts=1, lease_expires_at=timezone.now() + dt.timedelta(seconds=3))
    with Lease(job, clock=timezone.now, seconds=3) as lease:
        ReportJob.objects.filter(pk=job.pk).update(attempts=2)
        assert wait_for(lambda: lease.lost)
        with pytest.raises(LeaseLost):
            lease.progress(50, "Laying out the pages")
    assert ReportJob.objects.get().progress == 0
