"""The notification settings: each checked at start-up, with one line naming what is wrong."""

from __future__ import annotations

import secrets

import pytest

from tests.test_settings import manage

PRODUCTION = {"MLTRACK_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(60),
              "MLTRACK_SIGNING_KEY_FILE": "/tmp/k.pem"}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MLTRACK_BASE_URL": "mltrack.bank.example"}, "MLTRACK_BASE_URL must be the console's address"),
        ({"MLTRACK_BASE_URL": "ftp://mltrack.bank.example"}, "MLTRACK_BASE_URL must be the console's address"),
        ({"MLTRACK_BASE_URL": "https://"}, "MLTRACK_BASE_URL must be the console's address"),
        ({"MLTRACK_BASE_URL": "https://mltrack.bank.example/?next=evil"}, "no query"),
        ({"MLTRACK_BASE_URL": "https://mltrack.bank.example/#top"}, "MLTRACK_BASE_URL must be"),
        ({"MLTRACK_BASE_URL": "https://user:pw@mltrack.bank.example"}, "MLTRACK_BASE_URL must be"),
        ({"MLTRACK_BASE_URL": "https://mltrack.bank.example:99999"}, "MLTRACK_BASE_URL must be"),
        ({"MLTRACK_BASE_URL": "https://mltrack bank.example"}, "MLTRACK_BASE_URL must be"),
        ({"MLTRACK_DIGEST_HOUR": "24"}, "MLTRACK_DIGEST_HOUR must be between 0 and 23, not 24"),
        ({"MLTRACK_DIGEST_WEEKDAY": "0"}, "MLTRACK_DIGEST_WEEKDAY must be between 1 and 7, not 0"),
        ({"MLTRACK_VERIFY_HOUR": "-1"}, "MLTRACK_VERIFY_HOUR must be between 0 and 23, not -1"),
        ({"MLTRACK_DUE_SOON_WINDOWS": "30,seven"}, "MLTRACK_DUE_SOON_WINDOWS must be whole numbers of days"),
        ({"MLTRACK_DUE_SOON_WINDOWS": "30,0"}, "MLTRACK_DUE_SOON_WINDOWS must be days between 1 and 365"),
        ({"MLTRACK_DUE_SOON_WINDOWS": "400"}, "MLTRACK_DUE_SOON_WINDOWS must be days between 1 and 365"),
        ({"MLTRACK_DUE_SOON_WINDOWS": ","}, "MLTRACK_DUE_SOON_WINDOWS must be days between 1 and 365"),
        ({"MLTRACK_DIGEST_MAX_ITEMS": "0"}, "MLTRACK_DIGEST_MAX_ITEMS must be between 1 and 1,000, not 0"),
        ({"MLTRACK_ESCALATION_DAYS": "0"}, "MLTRACK_ESCALATION_DAYS must be between 1 and 3,650, not 0"),
        ({"MLTRACK_ESCALATION_EMAILS": "head@bank.example,nobody"},
         "MLTRACK_ESCALATION_EMAILS must be email addresses separated by commas, not 'nobody'"),
        ({"MLTRACK_AUDIT_EMAILS": "audit@"}, "MLTRACK_AUDIT_EMAILS must be email addresses"),
        ({"MLTRACK_DELIVERY_ATTEMPTS": "21"}, "MLTRACK_DELIVERY_ATTEMPTS must be between 1 and 20, not 21"),
        ({"MLTRACK_DELIVERY_RETRY_MINUTES": "0"}, "MLTRACK_DELIVERY_RETRY_MINUTES must be between 1 and 1,440"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ".bank.example"}, "MLTRACK_BASE_URL must name the console's address"),
    ],
)
def test_it_refuses_bad_notification_settings_with_a_clear_message(tmp_path, env, message):
    result = manage("check", env=env, tmp_path=tmp_path)

    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("Configuration error: ") and message in line


def _setting(tmp_path, name: str, env: dict[str, str]) -> str:
    result = manage("shell", "-c", f"from django.conf import settings; print(settings.{name})", env=env,
                    tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_base_url_defaults_to_the_first_allowed_host_in_production(tmp_path):
    env = {**PRODUCTION, "ALLOWED_HOSTS": "mltrack.bank.example,other.example"}

    assert _setting(tmp_path, "MLTRACK_BASE_URL", env) == "https://mltrack.bank.example"
    assert _setting(tmp_path, "MLTRACK_BASE_URL", {**env, "MLTRACK_BASE_URL": "https://gw.example/mltrack/"}) == (
        "https://gw.example/mltrack")


def test_windows_are_kept_distinct_largest_first(tmp_path):
    assert _setting(tmp_path, "MLTRACK_DUE_SOON_WINDOWS", {"MLTRACK_DUE_SOON_WINDOWS": "7, 30,1,7"}) == "[30, 7, 1]"
