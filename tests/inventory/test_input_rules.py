"""What the inventory's services accept as text and dates (common.text, common.dates), which every
way in shares: each bad value named by field, with what was expected, and nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from common import dates
from inventory import scheduling, services, validation
from inventory.models import DUPLICATE_NAME_MESSAGE, NAME_KEY_MAX_LENGTH, AIModel, ReviewPolicy
from tests.factories import make_model, model_data, record_review

pytestmark = pytest.mark.django_db
ACTOR = services.Actor(name="tests", trusted=True)
ESC = "\x1b[2J\x1b]0;owned\x07"


def create(today, **overrides) -> AIModel:
    return services.create_model(data=model_data(**overrides), actor=ACTOR, today=today)


def refused(today, **overrides) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc_info:
        create(today, **overrides)
    return exc_info.value.message_dict


# Dates ----------------------------------------------------------------------------------------


def test_a_deployment_date_near_year_9999_is_a_field_error_not_a_crash(today):
    errors = refused(today, deployment_date="9999-12-30")
    assert errors == {
        "deployment_date": ["Deployment date must be between 1900-01-01 and 2999-12-31 (YYYY-MM-DD), got 9999-12-30."]
    }
    assert not AIModel.objects.exists()


@pytest.mark.parametrize("value", [dt.date(9999, 12, 30), dt.date(1066, 10, 14), "1899-12-31"])
def test_a_deployment_date_out_of_range_is_refused_however_it_arrives(today, value):
    assert "between 1900-01-01 and 2999-12-31" in refused(today, deployment_date=value)["deployment_date"][0]


@pytest.mark.parametrize("value", ["20250102", "2025-1-2", "2025-01-02T00:00", "2025.01.02"])
def test_only_yyyy_mm_dd_is_read_as_a_date(today, value):
    assert refused(today, deployment_date=value)["deployment_date"] == [
        f'Deployment date must be a date written YYYY-MM-DD, e.g. 2026-01-31, got "{value}".'
    ]


def test_an_update_near_year_9999_changes_nothing(today):
    model = make_model(model_name="fraud-v2")
    with pytest.raises(ValidationError) as exc_info:
        services.update_model(model=model, changes={"deployment_date": "9999-12-30"}, actor=ACTOR, today=today)
    assert "got 9999-12-30" in exc_info.value.message_dict["deployment_date"][0]
    assert AIModel.objects.get().deployment_date == dt.date(2026, 6, 1)


# Text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "label"),
    [("model_name", "Model name"), ("vendor", "Vendor"), ("business_owner", "Business owner"),
     ("technical_owner", "Technical owner"), ("model_version", "Model version"), ("business_line", "Business line")],
)
def test_single_line_fields_refuse_terminal_control_sequences(today, field, label):
    errors = refused(today, **{field: f"ok{ESC}"})
    assert list(errors) == [field]
    assert errors[field][0].startswith(f"{label} must be printable text on one line")
    assert "U+001B ESCAPE at position 3" in errors[field][0]
    assert not AIModel.objects.exists()


def test_an_api_endpoint_with_a_newline_is_refused(today):
    errors = refused(today, api_endpoint="https://api.example.com/v1\nX-Injected: 1")
    assert "U+000A LINE FEED" in errors["api_endpoint"][0]


@pytest.mark.parametrize("field", ["model_name", "vendor", "use_case", "notes"])
def test_nul_is_refused_everywhere_rather_than_stored_unfindable(today, field):
    errors = refused(today, **{field: "before\x00after"})
    assert "U+0000 NUL at position 7" in errors[field][0]
    assert not AIModel.objects.exists()


def test_multi_line_fields_keep_line_breaks_and_tabs(today):
    model = create(today, notes="Line one\r\nLine two\n\tindented", use_case="Scores\rapplications")
    model.refresh_from_db()
    assert model.notes == "Line one\nLine two\n\tindented"
    assert model.use_case == "Scores\napplications"


@pytest.mark.parametrize(
    ("value", "found"), [("a\x1b[31m", "U+001B ESCAPE"), ("a\u202eb", "U+202E RIGHT-TO-LEFT OVERRIDE")]
)
def test_multi_line_fields_refuse_other_controls(today, value, found):
    errors = refused(today, notes=value)
    assert errors["notes"][0].startswith("Notes may contain line breaks and tabs but no other control")
    assert found in errors["notes"][0]


def test_every_bad_field_is_reported_at_once(today):
    errors = refused(today, vendor="x\x07", notes="\x00", deployment_date="20250102", model_name="сafe")
    assert sorted(errors) == ["deployment_date", "model_name", "notes", "vendor"]


# Names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    ["CAFÉ-MODEL", "cafe\u0301-model", "ｃａｆé-ｍｏｄｅｌ", "Café-Model"],
)
def test_a_look_alike_of_an_existing_name_is_a_duplicate_naming_it(today, variant):
    create(today, model_name="café-model")
    assert refused(today, model_name=variant) == {"model_name": [DUPLICATE_NAME_MESSAGE.format(existing="café-model")]}
    assert AIModel.objects.count() == 1


@pytest.mark.parametrize(
    ("variant", "why"),
    [("caf\u200bé-model", "U+200B ZERO WIDTH SPACE"), ("\u202ecafé-model", "U+202E RIGHT-TO-LEFT OVERRIDE"),
     ("сafé-model", "mixes Latin letters with Cyrillic ones")],
)
def test_invisible_and_mixed_script_variants_are_refused(today, variant, why):
    create(today, model_name="café-model")
    assert why in refused(today, model_name=variant)["model_name"][0]
    assert AIModel.objects.count() == 1


def test_a_name_wholly_in_look_alike_cyrillic_is_a_duplicate(today):
    create(today, model_name="apex")
    assert refused(today, model_name="АРЕХ")["model_name"] == [DUPLICATE_NAME_MESSAGE.format(existing="apex")]


def test_renaming_to_a_look_alike_of_another_model_is_refused(today):
    create(today, model_name="café-model")
    other = create(today, model_name="other")
    with pytest.raises(ValidationError) as exc_info:
        services.update_model(model=other, changes={"model_name": "CAFÉ-MODEL"}, actor=ACTOR, today=today)
    assert exc_info.value.message_dict == {"model_name": [DUPLICATE_NAME_MESSAGE.format(existing="café-model")]}
    assert AIModel.objects.get(pk=other.pk).model_name == "other"


def test_a_model_may_change_the_case_of_its_own_name(today):
    model = create(today, model_name="cafe-model")
    services.update_model(model=model, changes={"model_name": "Cafe-Model"}, actor=ACTOR, today=today)
    assert AIModel.objects.get().model_name == "Cafe-Model"


def test_a_name_too_long_once_normalised_is_refused(today):
    # U+FDFA is one character that NFKC writes as eighteen.
    errors = refused(today, model_name="\ufdfa" * 40)
    assert errors["model_name"][0].startswith(
        f"Model name is too long once written in its compared form (720 characters, at most {NAME_KEY_MAX_LENGTH})"
    )


def test_names_are_found_as_people_read_them(today):
    model = create(today, model_name="café-model")
    for variant in ["CAFÉ-MODEL", " cafe\u0301-model ", "ｃａｆé-ｍｏｄｅｌ"]:
        assert AIModel.objects.named(variant).get() == model


def test_a_name_no_model_can_have_matches_nothing_without_a_query(today, django_assert_num_queries):
    create(today, model_name="café-model")
    with django_assert_num_queries(0):
        assert list(AIModel.objects.named("café\x00-model")) == []


def test_the_database_holds_the_name_key_unique(today):
    create(today, model_name="café-model")
    clash = AIModel(**{**model_data(model_name="CAFÉ-MODEL"), "review_policy": ReviewPolicy.objects.get()},
                    next_review_date=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


def test_a_name_taken_between_the_check_and_the_save_is_a_field_error(today, monkeypatch):
    create(today, model_name="café-model")
    # Another writer commits the same name after this one checked: the constraint answers.
    monkeypatch.setattr(validation, "name_errors", lambda model: [])
    with pytest.raises(ValidationError) as exc_info:
        create(today, model_name="CAFÉ-MODEL")
    assert exc_info.value.message_dict == {"model_name": [DUPLICATE_NAME_MESSAGE.format(existing="café-model")]}


# The deployment date and the reviews ----------------------------------------------------------


def test_the_deployment_date_never_moves_after_the_first_review_record(today):
    model = make_model(model_name="fraud-v2", deployment_date=dt.date(2026, 6, 1))
    record_review(model, review_date=dt.date(2026, 7, 1), outcome="failed")
    record_review(model, review_date=dt.date(2026, 9, 1), outcome="passed")
    model.refresh_from_db()
    assert (model.earliest_outcome_on, model.last_review_date) == (dt.date(2026, 7, 1), dt.date(2026, 9, 1))

    with pytest.raises(ValidationError) as exc_info:
        services.update_model(model=model, changes={"deployment_date": "2026-08-01"}, actor=ACTOR, today=today)
    assert exc_info.value.message_dict["deployment_date"] == [
        services.DEPLOYED_AFTER_REVIEW_MESSAGE.format(first_review="2026-07-01")
    ]
    assert AIModel.objects.get().deployment_date == dt.date(2026, 6, 1)

    services.update_model(model=model, changes={"deployment_date": "2026-07-01"}, actor=ACTOR, today=today)
    assert AIModel.objects.get().deployment_date == dt.date(2026, 7, 1)


def test_a_back_dated_review_becomes_the_first_record(today):
    model = make_model(model_name="fraud-v2", deployment_date=dt.date(2026, 1, 1))
    record_review(model, review_date=dt.date(2026, 9, 1))
    record_review(model, review_date=dt.date(2026, 3, 1), outcome="warning")
    model.refresh_from_db()
    assert model.earliest_outcome_on == dt.date(2026, 3, 1)
    assert validation.first_review_on(model) == dt.date(2026, 3, 1)


# Review policy --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"effective_date": "9999-12-30"}, "effective_date", "between 1900-01-01 and 2999-12-31"),
        ({"effective_date": "20270101"}, "effective_date", "must be a date written YYYY-MM-DD"),
        ({"effective_date": dt.date(3000, 1, 1)}, "effective_date", "got 3000-01-01"),
        ({"approval_reference": "MRC\x1b[2J"}, "approval_reference", "U+001B ESCAPE"),
        ({"approval_reference": "MRC\n2026"}, "approval_reference", "U+000A LINE FEED"),
    ],
)
def test_a_policy_with_a_bad_date_or_reference_is_refused_and_nothing_published(today, overrides, field, fragment):
    arguments = {"cycles": {"critical": 30, "high": 90, "medium": 180, "low": 365},
                 "effective_date": "2027-01-01", "approval_reference": "MRC 2026-11-02", "rationale": "tests",
                 **overrides}
    with pytest.raises(ValidationError) as exc_info:
        scheduling.publish_review_policy(**arguments, actor=ACTOR, today=today)
    assert fragment in exc_info.value.message_dict[field][0]
    assert ReviewPolicy.objects.count() == 1


def test_the_date_range_leaves_room_for_the_longest_cycle():
    # Nothing in range overflows when a cycle (at most 3,660 days) is added to it.
    assert dates.LATEST + dt.timedelta(days=3660) < dt.date.max
