"""Nothing is lost: export, import into an empty inventory, export again gives the same bytes (CSV,
JSON) and the same cells (Excel), review history included, and the chain stays valid."""

from __future__ import annotations

import pytest

from reviews.models import ModelReview
from reviews.verify import verify_chain
from tests.transfers.conftest import NOW, export, run_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def test_it_imports_a_csv_export_back_byte_for_byte(exported_then_emptied, alice):
    first = exported_then_emptied("csv", owner=alice)
    outcome = run_import(first[""])
    assert outcome.problems == [] and outcome.written
    assert outcome.created == 4
    assert export("csv")[""] == first[""]
    assert verify_chain(now=NOW).ok


def test_it_imports_a_csv_export_with_its_review_history_back(exported_then_emptied, alice):
    first = exported_then_emptied("csv", reviews=True, owner=alice)
    outcome = run_import(first[""], reviews=first["reviews"])
    assert outcome.problems == [], [p.describe() for p in outcome.problems]
    assert outcome.reviews == 5
    assert export("csv", reviews=True) == first
    correction = ModelReview.objects.get(notes__startswith="-drift noted (corrected")
    assert correction.corrects.notes == "-drift noted"
    assert verify_chain(now=NOW).ok


def test_it_imports_a_json_export_with_its_review_history_back_byte_for_byte(exported_then_emptied, alice):
    first = exported_then_emptied("json", reviews=True, owner=alice)
    outcome = run_import(first[""], "inventory.json")
    assert outcome.problems == [] and outcome.reviews == 5
    assert export("json", reviews=True) == first
    assert verify_chain(now=NOW).ok


def _cells(data: bytes) -> dict[str, list[tuple]]:
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: [tuple(cell.value for cell in row) for row in sheet.iter_rows()] for sheet in workbook}


def test_it_imports_an_excel_export_back_with_the_same_cells(exported_then_emptied, alice):
    first = exported_then_emptied("xlsx", reviews=True, owner=alice)
    outcome = run_import(first[""], "inventory.xlsx")
    assert outcome.problems == [] and outcome.reviews == 5
    again = export("xlsx", reviews=True)[""]
    assert _cells(again) == _cells(first[""])
    assert again == first[""]  # and, the workbook's timestamps being fixed, the same bytes
    models = _cells(first[""])["Models"]
    assert models[0][0] == "model_name" and models[2][16] == "'=SUM(A1:A9)\nsecond line\twith a tab"


def test_exports_are_deterministic(alice, time_machine):
    import datetime as dt

    from tests.transfers.conftest import varied_inventory

    varied_inventory(owner=alice)
    first = {fmt: export(fmt, reviews=True) for fmt in ("csv", "json", "xlsx")}
    time_machine.move_to(NOW + dt.timedelta(hours=1, seconds=7))  # a zip dates its entries to the even second
    assert {fmt: export(fmt, reviews=True) for fmt in ("csv", "json", "xlsx")} == first
