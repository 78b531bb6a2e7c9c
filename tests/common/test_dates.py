"""Dates people type (common.dates): YYYY-MM-DD only, days that exist, within the range."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from common import dates
from common.forms import ISODateField


@pytest.mark.parametrize("value", ["2026-01-31", " 2026-01-31 ", dt.date(2026, 1, 31)])
def test_it_reads_iso_dates(value):
    assert dates.parse_date(value, label="Deployment date") == dt.date(2026, 1, 31)


@pytest.mark.parametrize("value", ["20260131", "2026-1-31", "31/01/2026", "01/31/2026", "2026/01/31", "today",
                                   "2026-01-31T00:00", "+2026-01-31", "２０２６-01-31", ""])
def test_it_refuses_any_other_way_of_writing_a_date(value):
    with pytest.raises(ValidationError) as exc_info:
        dates.parse_date(value, label="Deployment date")
    assert exc_info.value.messages == [
        f'Deployment date must be a date written YYYY-MM-DD, e.g. 2026-01-31, got "{value.strip()}".'
    ]


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "0000-01-01"])
def test_it_refuses_days_that_do_not_exist(value):
    with pytest.raises(ValidationError) as exc_info:
        dates.parse_date(value, label="Review date")
    assert exc_info.value.messages == [f"Review date must be a real day of the calendar (YYYY-MM-DD), got {value}."]


@pytest.mark.parametrize("value", ["9999-12-30", "1899-12-31", "3000-01-01", dt.date(9999, 12, 31), dt.date(1, 1, 1)])
def test_it_refuses_dates_outside_the_range(value):
    shown = value if isinstance(value, str) else value.isoformat()
    with pytest.raises(ValidationError) as exc_info:
        dates.parse_date(value, label="Deployment date")
    assert exc_info.value.messages == [
        f"Deployment date must be between 1900-01-01 and 2999-12-31 (YYYY-MM-DD), got {shown}."
    ]


@pytest.mark.parametrize("value", ["1900-01-01", "2999-12-31"])
def test_the_range_includes_its_ends(value):
    assert dates.parse_date(value, label="Deployment date").isoformat() == value


def test_a_bad_value_is_shown_with_its_control_characters_escaped():
    with pytest.raises(ValidationError) as exc_info:
        dates.parse_date("2026\x1b[2J", label="Review date")
    assert '"2026\\x1b[2J"' in exc_info.value.messages[0]


def test_the_form_field_follows_the_same_rules_and_names_its_field():
    field = ISODateField(label="Review date")
    assert field.clean("2026-01-31") == dt.date(2026, 1, 31)
    for value, expected in [("20260131", "must be a date written YYYY-MM-DD"), ("9999-12-30", "between 1900-01-01")]:
        with pytest.raises(ValidationError) as exc_info:
            field.clean(value)
        assert exc_info.value.messages[0].startswith("Review date ")
        assert expected in exc_info.value.messages[0]
