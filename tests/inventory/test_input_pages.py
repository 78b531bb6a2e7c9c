"""Bad text and dates through the console's form and the admin: a field error on the page, never a
server error, nothing saved (the services decide; see test_input_rules.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from inventory.models import DUPLICATE_NAME_MESSAGE, AIModel, ReviewPolicy
from tests.factories import make_model, model_data, record_review

# The views take "today" from the clock; pin it to the personas' TODAY (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
RANGE_ERROR = "Deployment date must be between 1900-01-01 and 2999-12-31 (YYYY-MM-DD), got 9999-12-30."


def posted(**overrides) -> dict[str, str]:
    data = model_data(**overrides)
    return {key: value.isoformat() if isinstance(value, dt.date) else str(value) for key, value in data.items()}


def admin_posted(**overrides) -> dict[str, str]:
    return {"status": "active", "owner": "", "notes": "", **posted(**overrides)}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"deployment_date": "9999-12-30"}, "deployment_date", RANGE_ERROR),
        ({"deployment_date": "20250102"}, "deployment_date", "must be a date written YYYY-MM-DD"),
        ({"model_name": "fraud\x1b]0;owned\x07"}, "model_name", "U+001B ESCAPE at position 6"),
        ({"vendor": "Open\u202eIA"}, "vendor", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ({"model_name": "fraud-dеtector"}, "model_name", "mixes Latin letters with Cyrillic ones"),
        ({"notes": "ok\x1b[2J"}, "notes", "Notes may contain line breaks and tabs but no other control"),
    ],
)
def test_the_console_form_names_the_bad_field(client, bob, overrides, field, message):
    client.force_login(bob)
    response = client.post(reverse("inventory:create"), posted(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not AIModel.objects.exists()


def test_the_console_form_refuses_a_look_alike_name(client, bob):
    make_model(model_name="café-model")
    client.force_login(bob)
    response = client.post(reverse("inventory:create"), posted(model_name="ＣＡＦÉ-model"))
    assert response.context["form"].errors["model_name"] == [DUPLICATE_NAME_MESSAGE.format(existing="café-model")]
    assert AIModel.objects.count() == 1


def test_the_edit_form_keeps_the_deployment_date_before_the_first_review(client, bob):
    model = make_model(model_name="fraud-v2", deployment_date=dt.date(2026, 6, 1))
    record_review(model, review_date=dt.date(2026, 7, 1), outcome="failed")
    client.force_login(bob)
    data = posted(model_name="fraud-v2", deployment_date="2026-08-01")
    response = client.post(reverse("inventory:edit", args=[model.pk]), data)
    assert response.status_code == 200
    (error,) = response.context["form"].errors["deployment_date"]
    assert "after the model's first review record, on 2026-07-01" in error
    assert AIModel.objects.get().deployment_date == dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"deployment_date": "9999-12-30"}, RANGE_ERROR),
        # Django's form field refuses NUL before the service sees it, beside the field.
        ({"model_name": "fraud\x00v2"}, "Null characters are not allowed"),
        ({"business_owner": "Jane\x08\x08\x08\x08Mallory"}, "U+0008 BACKSPACE"),
        ({"model_name": "сafe-model"}, "mixes Latin letters with Cyrillic ones"),
    ],
)
def test_the_admin_names_the_bad_field(client, bob, overrides, message):
    client.force_login(bob)
    response = client.post(reverse("admin:inventory_aimodel_add"), admin_posted(**overrides))
    assert response.status_code == 200
    errors = {field: list(errors) for field, errors in response.context["adminform"].form.errors.items()}
    assert any(message in error for field_errors in errors.values() for error in field_errors), errors
    assert not AIModel.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"effective_date": "9999-12-30"}, "effective_date",
         "Effective date must be between 1900-01-01 and 2999-12-31 (YYYY-MM-DD), got 9999-12-30."),
        ({"effective_date": "20270101"}, "effective_date", "must be a date written YYYY-MM-DD"),
        ({"approval_reference": "MRC\x1b[2J minutes"}, "approval_reference", "U+001B ESCAPE"),
        ({"critical_days": "0"}, "critical_days", "Critical cycle must be between 30 and 1,095 days, not 0."),
    ],
)
def test_the_policy_form_names_the_bad_field_and_publishes_nothing(client, carol, overrides, field, message):
    client.force_login(carol)
    data = {"effective_date": "2026-12-01", "critical_days": 60, "high_days": 90, "medium_days": 180,
            "low_days": 365, "approval_reference": "MRC minutes 2026-10-30", "rationale": "tests",
            "action": "publish", **overrides}
    response = client.post(reverse("inventory:policy-publish"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert ReviewPolicy.objects.count() == 1
