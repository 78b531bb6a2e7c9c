from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from common.roles import role_of
from inventory.models import AIModel
from reviews.models import ModelReview
from reviews.verify import verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_it_prepares_accounts_an_inventory_and_a_matching_audit_trail(var_dir, capsys):
    call_command("setup_demo", "--count", "40")
    out = capsys.readouterr().out
    password = (var_dir / "demo-login.txt").read_text().strip()
    assert f"password: {password}" in out
    users = {u.username: u for u in get_user_model().objects.all()}
    assert {role_of(users[name]) for name in ("admin", "risk.officer", "model.owner", "examiner")} == {
        "administrator", "model-risk-officer", "model-owner", "examiner",
    }
    assert users["admin"].check_password(password)
    assert AIModel.objects.count() == 40
    reviewed = AIModel.objects.filter(last_review_date__isnull=False)
    assert ModelReview.objects.count() == reviewed.count() > 0
    for model in reviewed:
        assert model.reviews.get().review_date == model.last_review_date
    assert verify_chain(now=ModelReview.objects.first().created_at).ok


def test_a_second_run_keeps_everything_and_the_password(var_dir):
    call_command("setup_demo", "--count", "10")
    password = (var_dir / "demo-login.txt").read_text()
    call_command("setup_demo", "--count", "10")
    assert (var_dir / "demo-login.txt").read_text() == password
    assert AIModel.objects.count() == 10 and get_user_model().objects.count() == 4


def test_it_refuses_in_production(var_dir, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="does not run in production"):
        call_command("setup_demo")
    assert not get_user_model().objects.exists()
