"""Who the CLI acts for, and how each change is attributed in the history."""

from __future__ import annotations

import pytest

from common.cli import actor as cli_actor
from inventory.models import AIModel
from tests.cli.conftest import OS_LOGIN
from tests.conftest import make_user
from tests.factories import make_model

pytestmark = pytest.mark.django_db


def last_change() -> tuple[object, str]:
    entry = AIModel.history.order_by("-history_id").first()
    return entry.history_user, entry.history_actor


def test_it_attributes_changes_to_the_user_given_with_user(run, bob):
    make_model(model_name="fraud-v2")

    assert run("--user", "bob", "update", "fraud-v2", "--notes", "checked").code == 0

    assert last_change() == (bob, "bob")


def test_it_accepts_user_after_the_verb(run, bob):
    make_model(model_name="fraud-v2")

    assert run("update", "fraud-v2", "--notes", "checked", "--user", "bob").code == 0

    assert last_change() == (bob, "bob")


def test_it_reads_the_account_from_mltrack_user(run, monkeypatch, bob):
    make_model(model_name="fraud-v2")
    monkeypatch.setenv("MLTRACK_USER", "bob")

    assert run("update", "fraud-v2", "--notes", "checked").code == 0

    assert last_change() == (bob, "bob")


def test_it_prefers_user_over_mltrack_user(run, monkeypatch, bob, erin):
    make_model(model_name="fraud-v2")
    monkeypatch.setenv("MLTRACK_USER", "erin")

    assert run("--user", "bob", "update", "fraud-v2", "--notes", "checked").code == 0

    assert last_change() == (bob, "bob")


def test_it_acts_as_the_os_login_without_an_account(run):
    make_model(model_name="fraud-v2")

    assert run("update", "fraud-v2", "--notes", "checked").code == 0

    assert last_change() == (None, f"os:{OS_LOGIN}")


def test_it_uses_the_account_named_like_the_os_login_with_its_permissions(run):
    make_user(OS_LOGIN, "examiner")
    make_model(model_name="fraud-v2")

    result = run("update", "fraud-v2", "--notes", "checked")

    assert result.code == 1
    assert f"Permission denied: {OS_LOGIN} (role: examiner) may not change fraud-v2" in result.err


def test_it_refuses_an_unknown_account(run, monkeypatch):
    result = run("--user", "mallory", "list")
    monkeypatch.setenv("MLTRACK_USER", "mallory")
    from_env = run("list")

    assert result.code == 1
    assert result.err.strip() == "No user account named mallory. Create it or drop --user."
    assert from_env.code == 1
    assert from_env.err.strip() == cli_actor.NO_ACCOUNT_ENV_MESSAGE.format(name="mallory")


@pytest.mark.parametrize("how", ["--user", "os login"])
def test_it_refuses_a_deactivated_account(run, how):
    make_user("gone" if how == "--user" else OS_LOGIN, "administrator", is_active=False)
    make_model(model_name="fraud-v2")

    user_flag = ["--user", "gone"] if how == "--user" else []
    result = run(*user_flag, "delete", "fraud-v2", "--yes")

    assert result.code == 1
    assert "is deactivated" in result.err
    assert AIModel.objects.exists()


def test_it_requires_an_account_when_the_setting_says_so(run, settings):
    settings.MLTRACK_CLI_REQUIRE_ACCOUNT = True
    make_model(model_name="fraud-v2")

    result = run("update", "fraud-v2", "--notes", "checked")

    assert result.code == 1
    assert "requires a user account" in result.err
    assert "--user NAME or set MLTRACK_USER" in result.err
    assert AIModel.objects.get().notes == ""


def test_it_still_acts_for_a_named_account_when_accounts_are_required(run, settings, bob):
    settings.MLTRACK_CLI_REQUIRE_ACCOUNT = True
    make_model(model_name="fraud-v2")

    assert run("--user", "bob", "update", "fraud-v2", "--notes", "checked").code == 0
    assert last_change() == (bob, "bob")
