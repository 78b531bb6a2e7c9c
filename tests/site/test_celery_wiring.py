"""The Celery wiring: every scheduled job names a registered task and expires before its next run,
the domain apps declare shared tasks without importing the project package, and the settings that
make work survive a dead worker are on."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from mltrack_site.celery import app
from tests.site.test_runtime_folders import ROOT, fresh_env

DOMAIN_PACKAGES = ("common", "inventory", "reviews", "compliance", "registries", "reports", "notifications")


def registered_tasks() -> set[str]:
    app.loader.import_default_modules()  # what the worker does at start-up: autodiscovery
    return set(app.tasks)


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_scheduled_job_names_a_registered_task(entry):
    assert settings.CELERY_BEAT_SCHEDULE[entry]["task"] in registered_tasks()


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_scheduled_job_expires_before_its_next_run(entry):
    schedule = settings.CELERY_BEAT_SCHEDULE[entry]
    assert isinstance(schedule["schedule"], int | float)  # a period in seconds
    assert 0 < schedule["options"]["expires"] < schedule["schedule"]


@pytest.mark.django_db
@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_the_database_schedule_starts_from_the_settings_defaults(entry):
    # Beat keeps the schedule in the database (administrators edit it in the admin); at its start
    # each default is written there, still naming a registered task and expiring before its next run.
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import ModelEntry

    from mltrack_site.scheduler import DefaultsScheduler

    assert app.conf.beat_scheduler == "mltrack_site.scheduler:DefaultsScheduler"
    DefaultsScheduler(app=app, lazy=True).setup_schedule()  # what beat does as it starts
    default = settings.CELERY_BEAT_SCHEDULE[entry]

    row = PeriodicTask.objects.select_related("interval").get(name=entry)
    assert row.task == default["task"] and row.task in registered_tasks() and row.enabled
    assert (row.interval.every, row.interval.period) == (round(default["schedule"]), "seconds")
    assert 0 < row.expire_seconds < row.interval.every and row.expire_seconds <= default["options"]["expires"]
    # The message beat sends for it expires before the next one.
    assert ModelEntry(row, app=app).options["expires"] == row.expire_seconds
    assert set(PeriodicTask.objects.values_list("name", flat=True)) == set(settings.CELERY_BEAT_SCHEDULE)


def test_the_sweeper_runs_every_half_lease():
    sweep = settings.CELERY_BEAT_SCHEDULE["sweep-report-jobs"]
    assert sweep["schedule"] == settings.MLTRACK_REPORT_JOB_LEASE / 2 == 60


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", DOMAIN_PACKAGES)
def test_the_apps_never_import_the_project_package(package):
    offenders = [
        str(path.relative_to(ROOT)) for path in sorted((ROOT / package).rglob("*.py"))
        if any(name == "mltrack_site" or name.startswith("mltrack_site.") for name in _imports(path))
    ]
    assert offenders == []


def test_the_tasks_are_shared_tasks_on_the_configured_app():
    tasks = registered_tasks()
    for name in ("reports.tasks.render_report_job", "reports.tasks.sweep_report_jobs",
                 "reports.tasks.take_compliance_snapshot", "inventory.tasks.apply_review_policy",
                 "notifications.tasks.send_review_digests", "notifications.tasks.run_scheduled_reports",
                 "notifications.tasks.retry_deliveries", "notifications.tasks.verify_audit_trail",
                 "registries.tasks.reconcile_registries"):
        assert name in tasks and app.tasks[name].app is app


def test_a_dead_pool_process_hands_its_message_back():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_redis_hands_a_dead_workers_message_on_after_the_visibility_timeout(tmp_path):
    code = "from django.conf import settings; print(settings.CELERY_BROKER_TRANSPORT_OPTIONS)"
    env = fresh_env(tmp_path / "var", CELERY_BROKER_URL="redis://127.0.0.1:6379/0", CELERY_VISIBILITY_TIMEOUT="7200")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'visibility_timeout': 7200}"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MLTRACK_REPORT_JOB_LEASE": "2"}, "MLTRACK_REPORT_JOB_LEASE must be between 3 and 86,400, not 2"),
        ({"MLTRACK_REPORT_JOB_LEASE": "soon"}, "MLTRACK_REPORT_JOB_LEASE must be a whole number"),
        ({"MLTRACK_REPORT_JOB_ATTEMPTS": "0"}, "MLTRACK_REPORT_JOB_ATTEMPTS must be between 1 and 20, not 0"),
        ({"CELERY_VISIBILITY_TIMEOUT": "30"}, "CELERY_VISIBILITY_TIMEOUT must be between 60 and 604,800, not 30"),
    ],
)
def test_it_refuses_bad_job_settings_with_a_clear_message(tmp_path, env, message):
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=fresh_env(tmp_path / "var", **env),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize("module", ["mltrack_site.wsgi", "mltrack_site.asgi"])
def test_the_web_server_sends_tasks_through_the_configured_app(tmp_path, module):
    # A shared task sends through whichever app is current: the console's must be MLTrack's, with
    # its broker, or a queued report would go to Celery's default broker and never arrive.
    code = (f"import {module}\nfrom reports.tasks import render_report_job as task\n"
            "print(task.app.main, task.app.conf.broker_url)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=fresh_env(tmp_path / "var"),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["mltrack", "filesystem://"]
    assert (tmp_path / "var" / "broker" / "queue").is_dir()
