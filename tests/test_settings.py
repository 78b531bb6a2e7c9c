"""Settings come from the environment; production settings pass Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    full_env.update({"MLTRACK_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_it_passes_the_deployment_checks_in_production(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env={"MLTRACK_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "mltrack.example.com",
             "MLTRACK_SIGNING_KEY_FILE": str(tmp_path / "signing-key.pem")},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MLTRACK_ENV": "production", "ALLOWED_HOSTS": "x.example.com"}, "SECRET_KEY must be set"),
        ({"MLTRACK_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(60)}, "ALLOWED_HOSTS must name"),
        ({"MLTRACK_ENV": "staging"}, "MLTRACK_ENV must be development or production"),
        ({"MLTRACK_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "x.example.com"},
         "MLTRACK_SIGNING_KEY_FILE must name the audit trail's signing key"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"MLTRACK_PAGE_SIZE": "lots"}, "MLTRACK_PAGE_SIZE must be a whole number"),
        ({"MLTRACK_PAGE_SIZE": "0"}, "MLTRACK_PAGE_SIZE must be between 1 and 500, not 0"),
        ({"MLTRACK_PAGE_SIZE": "-5"}, "MLTRACK_PAGE_SIZE must be between 1 and 500, not -5"),
        ({"EMAIL_PORT": "70000"}, "EMAIL_PORT must be between 1 and 65,535, not 70,000"),
        ({"AXES_FAILURE_LIMIT": "0"}, "AXES_FAILURE_LIMIT must be between 1 and 100, not 0"),
        ({"AXES_COOLOFF_MINUTES": "-1"}, "AXES_COOLOFF_MINUTES must be between 1 and 10,080, not -1"),
        ({"SESSION_COOKIE_AGE": "5"}, "SESSION_COOKIE_AGE must be between 60 and 2,592,000, not 5"),
        ({"DB_CONN_MAX_AGE": "-1"}, "DB_CONN_MAX_AGE must be between 0 and 86,400, not -1"),
        ({"MLTRACK_IMPORT_MAX_MB": "0"}, "MLTRACK_IMPORT_MAX_MB must be between 1 and 2,048, not 0"),
        ({"MLTRACK_IMPORT_MAX_MB": "4096"}, "MLTRACK_IMPORT_MAX_MB must be between 1 and 2,048, not 4,096"),
        ({"MLTRACK_OSCAL_CHUNK_MODELS": "0"}, "MLTRACK_OSCAL_CHUNK_MODELS must be between 1 and 100,000, not 0"),
        ({"MLTRACK_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "x.example.com",
          "MLTRACK_SIGNING_KEY_FILE": "/tmp/k.pem", "SECURE_HSTS_SECONDS": "-1"},
         "SECURE_HSTS_SECONDS must be between 0 and 63,072,000, not -1"),
        ({"TIME_ZONE": "Mars/Olympus_Mons"}, "TIME_ZONE must be a time zone name such as Europe/London"),
        ({"DATABASE_URL": "oracle-ish://nowhere"}, "DATABASE_URL"),
    ],
)
def test_it_refuses_bad_configuration_with_a_clear_message(tmp_path, env, message):
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode == 1
    # One line naming the variable and what it must be, as mltrack says it: no traceback.
    (line,) = result.stderr.splitlines()
    assert line.startswith("Configuration error: ")
    assert message in line


def test_it_uses_sqlite_under_the_var_folder_by_default(tmp_path):
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DATABASES['default']['NAME'])",
                    env={}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(str(tmp_path / "mltrack.sqlite3"))


def test_the_cli_reports_a_setting_out_of_range_the_same_way(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"MLTRACK_VAR_DIR": str(tmp_path), "MLTRACK_PAGE_SIZE": "0"})
    result = subprocess.run([sys.executable, "-m", "mltrack_site.cli", "list"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["Configuration error: MLTRACK_PAGE_SIZE must be between 1 and 500, not 0"]
