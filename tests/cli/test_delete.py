"""mltrack delete: confirmation, --yes, and reviewed models kept."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from inventory import services
from inventory.cli import change
from inventory.models import AIModel
from tests.factories import make_model

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    """Typed answers on a stdin that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_it_deletes_with_yes_and_keeps_the_history(run, bob):
    make_model(model_name="Old-Model")

    result = run("--user", "bob", "delete", "old-model", "--yes")

    assert result.code == 0, result.err
    assert "Deleted Old-Model." in result.out
    assert not AIModel.objects.exists()
    deletion = AIModel.history.filter(model_name="Old-Model").first()
    assert (deletion.history_type, deletion.history_actor, deletion.history_user) == ("-", "bob", bob)


def test_it_refuses_without_yes_when_there_is_no_terminal(run):
    make_model(model_name="old-model")

    result = run("delete", "old-model")

    assert result.code == 1
    assert result.err.strip() == change.CONFIRM_NEEDS_YES_MESSAGE.format(name="old-model")
    assert AIModel.objects.exists()


def test_it_asks_for_confirmation_on_a_terminal(run, monkeypatch):
    make_model(model_name="old-model")
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))

    result = run("delete", "old-model")

    assert result.code == 0, result.err
    assert "Delete old-model for good?" in result.out
    assert not AIModel.objects.exists()


@pytest.mark.parametrize("answer", ["n\n", "\n", ""])
def test_it_deletes_nothing_unless_confirmed(run, monkeypatch, answer):
    make_model(model_name="old-model")
    monkeypatch.setattr("sys.stdin", Terminal(answer))

    result = run("delete", "old-model")

    assert result.code == 1
    assert "Cancelled: nothing was deleted." in result.err
    assert AIModel.objects.exists()


def test_it_refuses_a_reviewed_model_and_suggests_decommissioning(run):
    make_model(model_name="reviewed")
    AIModel.objects.update(last_review_date=dt.date(2026, 9, 1))

    result = run("delete", "reviewed", "--yes")

    assert result.code == 1
    assert result.err.strip() == services.HAS_REVIEWS_MESSAGE.format(name="reviewed")
    assert "Decommission it instead" in result.err
    assert AIModel.objects.exists()


def test_it_suggests_names_for_an_unknown_model(run):
    make_model(model_name="old-model")

    result = run("delete", "old-modle", "--yes")

    assert result.code == 1
    assert 'No model named "old-modle". Did you mean: old-model?' in result.err
    assert AIModel.objects.exists()


@pytest.mark.parametrize("persona", ["erin", "alice"])
def test_it_refuses_roles_that_may_not_delete(run, request, persona):
    user = request.getfixturevalue(persona)
    make_model(model_name="owned", owner=user)

    result = run("--user", persona, "delete", "owned", "--yes")

    assert result.code == 1
    assert f"Permission denied: {persona} (role: " in result.err
    assert "may not delete models." in result.err
    assert AIModel.objects.exists()
