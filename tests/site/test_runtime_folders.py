"""Importing the settings creates nothing; each process makes the folders it writes to, so a fresh
checkout (or a fresh MLTRACK_VAR_DIR) still migrates, checks and runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# What the tests' own environment may set that would point a fresh process elsewhere.
OVERRIDES = ("DATABASE_URL", "CELERY_BROKER_URL", "STATIC_ROOT", "MLTRACK_", "DJANGO_", "DEBUG", "SECRET_KEY")


def fresh_env(var: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(OVERRIDES)}
    env.update({"MLTRACK_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "mltrack_site.settings", **extra})
    return env


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def test_importing_the_settings_creates_no_folder(tmp_path):
    var = tmp_path / "var"
    result = run("-c", "from django.conf import settings; print(settings.STATIC_ROOT, settings.CELERY_BROKER_URL)",
                 env=fresh_env(var))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(var / "staticfiles"), "filesystem://"]
    assert not var.exists()


def test_manage_py_checks_and_migrates_in_a_fresh_var_folder(tmp_path):
    var = tmp_path / "var"
    env = fresh_env(var)
    check = run("manage.py", "check", env=env)
    assert check.returncode == 0, check.stderr
    migrate = run("manage.py", "migrate", "--noinput", "-v", "0", env=env)
    assert migrate.returncode == 0, migrate.stderr
    assert (var / "mltrack.sqlite3").is_file()
    # The folders a console and a worker on this machine share: static files, and the file-based broker's.
    for folder in ("staticfiles", "broker/queue", "broker/processed", "broker/control"):
        assert (var / folder).is_dir(), folder


def test_the_mltrack_command_makes_the_database_folder_and_says_to_migrate(tmp_path):
    var = tmp_path / "var"
    result = run("-m", "mltrack_site.cli", "list", env=fresh_env(var))
    assert result.returncode == 1
    # Not "unable to open database file": the folder is there, the tables are not yet.
    assert "no such table" in result.stderr and "python manage.py migrate" in result.stderr
    assert var.is_dir()


def test_the_celery_app_makes_the_broker_and_scheduler_folders(tmp_path):
    var = tmp_path / "var"
    result = run("-c", "import mltrack_site.celery", env=fresh_env(var, MLTRACK_REPORTS_DIR=str(tmp_path / "reports")))
    assert result.returncode == 0, result.stderr
    assert (var / "broker" / "queue").is_dir() and (var / "broker" / "control").is_dir()
    assert not (tmp_path / "reports").exists()  # report files' folder: made when a report is stored


def test_a_database_url_elsewhere_gets_its_folder_too(tmp_path):
    database = tmp_path / "elsewhere" / "db" / "mltrack.sqlite3"
    result = run("manage.py", "migrate", "--noinput", "-v", "0",
                 env=fresh_env(tmp_path / "var", DATABASE_URL=f"sqlite:///{database}"))
    assert result.returncode == 0, result.stderr
    assert database.is_file()
