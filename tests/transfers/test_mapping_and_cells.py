"""Columns are matched by a mapping file or by their header, and every one left unmatched is
reported; cells are read as their column's kind of value, and a date is never guessed."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from inventory.models import AIModel
from tests.transfers.conftest import run_import
from transfers.cells import neutralise, restore
from transfers.columns import plain_header, suggest
from transfers.mapping import load_mapping
from transfers.tables import FileRefused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

BANK_HEADER = "Model Name,Provider,Risk Rating,Purpose,Model Owner,Development Team,Go-live date,Internal ref,Risk Owner"
BANK_ROW = "claims-triage,AWS,High,Claims routing,Maria Garcia,Claims DS,2026-03-02,R-17,Tom Reed"


def test_common_header_variants_are_matched_and_unmatched_columns_reported_with_a_suggestion():
    outcome = run_import(f"{BANK_HEADER}\n{BANK_ROW}\n".encode())
    assert outcome.ok and outcome.created == 1
    model = AIModel.objects.get()
    assert (model.vendor, model.risk_tier, model.technical_owner) == ("AWS", "high", "Claims DS")
    messages = [notice.message for notice in outcome.notices]
    assert 'Column "Internal ref" is not imported: it matches no field. Map it to a field, or leave it out with ' \
           '{"Internal ref": null}.' in messages
    assert any(m.startswith('Column "Risk Owner" is not imported') for m in messages)


def test_a_mapping_file_names_columns_and_leaves_columns_out():
    mapping = load_mapping(b'{"Risk Owner": "business_owner", "Model Owner": null, "Internal ref": null}')
    outcome = run_import(f"{BANK_HEADER}\n{BANK_ROW}\n".encode(), mapping=mapping)
    assert outcome.ok and AIModel.objects.get().business_owner == "Tom Reed"
    messages = [notice.message for notice in outcome.notices]
    assert 'Column "Internal ref" is left out, as the mapping says.' in messages
    assert not any("not imported" in m for m in messages)


@pytest.mark.parametrize(("content", "expected"), [
    (b"{oops", "The mapping file is not valid JSON"),
    (b'["model_name"]', "The mapping file must be a JSON object from a column header to a field name"),
    (b'{"Provider": "supplier"}', "The mapping sends 'Provider' to 'supplier', which is no field."),
    (b'{"Provider": 3}', "The mapping sends 'Provider' to 3, which is no field."),
])
def test_a_bad_mapping_file_is_refused(content, expected):
    with pytest.raises(FileRefused) as caught:
        load_mapping(content)
    assert expected in caught.value.problems[0].message


def test_a_mapping_that_names_a_column_the_file_does_not_have_is_refused():
    with pytest.raises(FileRefused) as caught:
        run_import(f"{BANK_HEADER}\n{BANK_ROW}\n".encode(), mapping={"Supplier": "vendor"})
    assert "The mapping names the column 'Supplier', which the file does not have." in caught.value.problems[0].message
    assert not AIModel.objects.exists()


def test_two_columns_that_would_fill_one_field_are_refused_unless_the_mapping_chooses():
    header = BANK_HEADER + ",Vendor"
    with pytest.raises(FileRefused) as caught:
        run_import(f"{header}\n{BANK_ROW},Amazon\n".encode())
    assert caught.value.problems[0].message.startswith('Columns "Provider" and "Vendor" both fill vendor')
    outcome = run_import(f"{header}\n{BANK_ROW},Amazon\n".encode(), mapping={"Vendor": "vendor"})
    assert AIModel.objects.get().vendor == "Amazon"
    assert any(m.message.startswith('Column "Provider" is not imported') for m in outcome.notices)


def test_a_file_without_a_required_column_is_refused_with_a_hint():
    header = BANK_HEADER.replace("Provider", "Provided by")
    with pytest.raises(FileRefused) as caught:
        run_import(f"{header}\n{BANK_ROW}\n".encode())
    assert caught.value.problems[0].message == (
        'No column gives vendor (vendor), which every new model needs (did you mean column "Provided by"? map it to '
        "vendor).")


def test_headers_are_compared_plainly_and_suggestions_are_close_matches():
    assert plain_header("Model\r\nName *") == plain_header("model_name") == "model name"
    assert suggest("models", "Vendr") == "vendor"
    assert suggest("models", "Deployment Dt") == "deployment_date"
    assert suggest("models", "Favourite colour") is None


@pytest.mark.parametrize("value", ["=HYPERLINK(\"x\")", "+1", "-drift", "@risk", "'quoted", "''twice", "plain"])
def test_formula_marks_are_undone_exactly(value):
    assert restore(neutralise(value)) == value
    assert neutralise(value) == value or neutralise(value).startswith("'")


def test_an_apostrophe_typed_in_a_spreadsheet_is_kept():
    assert restore("'quoted") == "'quoted" and restore("rock 'n' roll") == "rock 'n' roll"


HEADER = "model_name,vendor,risk_tier,use_case,business_owner,technical_owner,deployment_date,deployment_environment,model_type"


def rows_import(*rows: str, **options):
    return run_import((HEADER + "\n" + "\n".join(rows) + "\n").encode(), **options)


def test_an_ambiguous_date_is_refused_with_a_hint_never_guessed():
    outcome = rows_import("m1,V,high,u,b,t,03/04/2025,,")
    (problem,) = outcome.problems
    assert problem.describe("inventory.csv") == (
        "inventory.csv, row 2, column deployment_date: Deployment date '03/04/2025' is not a date written YYYY-MM-DD, "
        "and it could be read more than one way (day and month either way round): write it as YYYY-MM-DD, e.g. "
        "2025-04-03 for 3 April 2025.")
    assert not AIModel.objects.exists()


@pytest.mark.parametrize(("cell", "message"), [
    ("2025-02-30", "must be a real day of the calendar"),
    ("9999-12-31", "must be between 1900-01-01 and 2999-12-31"),
    ("20250102", "must be a date written YYYY-MM-DD"),
    ("2030-01-01", "cannot be in the future (today is 2026-11-27)"),
    ("", "Required: it cannot be empty."),
])
def test_bad_dates_are_named_with_what_was_expected(cell, message):
    (problem,) = rows_import(f"m1,V,high,u,b,t,{cell},,").problems
    assert problem.field == "deployment_date" and message in problem.message


def test_choices_are_read_by_code_or_label_in_any_case():
    assert rows_import("m1,V,HIGH,u,b,t,2026-01-01,Production,Machine learning").ok
    model = AIModel.objects.get()
    assert (model.risk_tier, model.deployment_environment, model.model_type) == ("high", "prod", "ml")


def test_every_problem_of_every_row_is_collected():
    outcome = rows_import("m1,V,extreme,u,b,t,2026-01-01,,", "m\x1b2,,high,u,b,t,2026-01-01,moon,", "ok,V,low,u,b,t,2026-01-01,,")
    where = sorted((p.row, p.field) for p in outcome.problems)
    assert where == [(2, "risk_tier"), (3, "deployment_environment"), (3, "model_name"), (3, "vendor")]
    assert outcome.failed == 2 and not outcome.written and not AIModel.objects.exists()


def test_a_name_mixing_alphabets_is_refused():
    (problem,) = rows_import("frаud-model,V,high,u,b,t,2026-01-01,,").problems  # Cyrillic а
    assert problem.field == "model_name" and "mixes Latin letters with Cyrillic" in problem.message


def _workbook(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_excel_date_cell_is_read_as_the_date_it_shows_and_a_number_is_not_a_date():
    header = HEADER.split(",")
    good = ["m1", "V", "high", "u", "b", "t", dt.datetime(2026, 3, 4), None, None]
    number = ["m2", "V", "high", "u", "b", "t", 46085, None, None]
    timed = ["m3", "V", "high", "u", "b", "t", dt.datetime(2026, 3, 4, 9, 30), None, None]
    outcome = run_import(_workbook([header, good, number, timed]), "inventory.xlsx", continue_on_error=True)
    assert AIModel.objects.get().deployment_date == dt.date(2026, 3, 4)
    assert [p.message for p in outcome.problems] == [
        "Deployment date is the number 46085, not a date: format the cell as a date, or write the date as YYYY-MM-DD.",
        "Deployment date has a time of day (2026-03-04 09:30:00): give the date alone, YYYY-MM-DD.",
    ]


def test_a_policy_version_that_is_not_a_whole_number_is_a_problem():
    outcome = run_import((HEADER + ",review_policy_version\nm1,V,high,u,b,t,2026-01-01,,,v2\n").encode())
    (problem,) = outcome.problems
    assert problem.message == "Review policy version must be a whole number, got 'v2'."
