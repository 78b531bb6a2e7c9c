"""mltrack import and export: formats from the extension or --format, filters, --template, the
modes and their exit codes, every problem by file, row and column, --json, and no traceback."""

from __future__ import annotations

import csv
import json

import pytest

from inventory.models import AIModel
from reviews.models import ModelReview
from tests.factories import make_model, record_review

pytestmark = pytest.mark.django_db

HEADER = "model_name,vendor,risk_tier,use_case,business_owner,technical_owner,deployment_date"


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def test_export_then_import_into_an_empty_inventory_gives_the_same_file(run, tmp_path, bob):
    from django.db import transaction

    with transaction.atomic():
        record_review(make_model(model_name="fraud", notes="=1+1"), review_date=__import__("datetime").date(2026, 7, 1))
        make_model(model_name="chat", risk_tier="low")
        result = run("export", str(tmp_path / "first.csv"), "--reviews")
        transaction.set_rollback(True)
    assert result.code == 0 and "Exported 2 models to" in result.err and "1 review record in" in result.err
    assert (tmp_path / "first.reviews.csv").exists()
    imported = run("import", str(tmp_path / "first.csv"), "--reviews", str(tmp_path / "first.reviews.csv"), "--user", "bob")
    assert imported.code == 0, imported.out + imported.err
    assert "2 added · 1 review record recorded" in imported.out and "Imported." in imported.out
    assert run("export", str(tmp_path / "second.csv"), "--reviews").code == 0
    assert (tmp_path / "second.csv").read_bytes() == (tmp_path / "first.csv").read_bytes()
    assert (tmp_path / "second.reviews.csv").read_bytes() == (tmp_path / "first.reviews.csv").read_bytes()


def test_export_takes_the_inventory_filters_and_the_format_from_the_name_or_format(run, tmp_path):
    make_model(model_name="crit", risk_tier="critical")
    make_model(model_name="low", risk_tier="low")
    assert run("export", str(tmp_path / "crit.data"), "--risk", "critical", "--format", "json").code == 0
    assert [m["model_name"] for m in json.loads((tmp_path / "crit.data").read_text())["models"]] == ["crit"]
    assert run("export", str(tmp_path / "all.xlsx"), "--sort=-name").code == 0
    assert (tmp_path / "all.xlsx").read_bytes().startswith(b"PK")
    unknown = run("export", str(tmp_path / "x.pdf"))
    assert unknown.code == 2 and "cannot tell the format from" in unknown.err
    assert run("export", str(tmp_path / "x.csv"), "--risk", "extreme").code == 2
    missing = run("export", str(tmp_path / "no-such-folder" / "x.csv"))
    assert missing.code == 1 and "the folder" in missing.err and "does not exist" in missing.err


def test_a_template_has_every_column_and_their_documentation(run, tmp_path):
    assert run("export", str(tmp_path / "template.csv"), "--template").code == 0
    assert (tmp_path / "template.csv").read_text().startswith("model_name,vendor,risk_tier")
    columns = list(csv.DictReader((tmp_path / "template.columns.csv").open()))
    risk = next(row for row in columns if row["column"] == "risk_tier")
    assert risk["allowed values"] == "critical, high, medium, low" and risk["required"] == "yes"
    assert run("export", str(tmp_path / "template.xlsx"), "--template").code == 0
    assert run("export", str(tmp_path / "t.csv"), "--template", "--risk", "high").code == 2


def test_a_dry_run_writes_nothing_and_exits_1_on_a_problem(run, tmp_path):
    path = write(tmp_path, "bank.csv", f"{HEADER}\ngood,V,high,u,b,t,2026-01-01\nbad,V,extreme,u,b,t,2026-01-01\n")
    result = run("import", path, "--validate")
    assert result.code == 1 and not AIModel.objects.exists()
    assert "bank.csv, row 3, column risk_tier: 'extreme' is not allowed here." in result.out
    assert "Dry run: nothing was written. 1 row would not be imported." in result.out
    fine = write(tmp_path, "fine.csv", f"{HEADER}\ngood,V,high,u,b,t,2026-01-01\n")
    assert run("import", fine, "--validate").code == 0 and not AIModel.objects.exists()


def test_all_or_nothing_and_continue_on_error_exit_1_with_every_problem(run, tmp_path):
    path = write(tmp_path, "bank.csv", f"{HEADER}\ngood,V,high,u,b,t,2026-01-01\nbad,V,extreme,u,b,t,03/04/2025\n")
    result = run("import", path)
    assert result.code == 1 and "Nothing was written: 1 row has problems" in result.out and not AIModel.objects.exists()
    assert result.out.count("bank.csv, row 3") == 2
    result = run("import", path, "--continue-on-error")
    assert result.code == 1 and list(AIModel.objects.values_list("model_name", flat=True)) == ["good"]


def test_update_and_skip(run, tmp_path):
    make_model(model_name="existing", vendor="Old")
    full = write(tmp_path, "full.csv", f"{HEADER}\nEXISTING,New,high,u,b,t,2026-01-01\n")
    skipped = run("import", full)
    assert skipped.code == 0 and "Skipped: EXISTING is already in the inventory (as existing)" in skipped.out
    path = write(tmp_path, "bank.csv", "model_name,vendor\nEXISTING,New\n")
    # Without --update a file must be able to add models: it needs every required column.
    assert run("import", path).code == 1
    updated = run("import", path, "--update")
    assert updated.code == 0 and "1 updated" in updated.out and AIModel.objects.get().vendor == "New"


def test_a_mapping_file_and_an_excel_sheet(run, tmp_path):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Cover"
    sheet = workbook.create_sheet("Inventory 2026")
    sheet.append(["Name", "Supplier firm", "Risk", "Use", "Owner (business)", "Team", "Live since"])
    sheet.append(["m1", "AWS", "High", "u", "b", "t", __import__("datetime").datetime(2026, 1, 5)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = write(tmp_path, "bank.xlsx", buffer.getvalue())
    mapping = write(tmp_path, "map.json", '{"Supplier firm": "vendor", "Owner (business)": "business_owner", '
                                          '"Team": "technical_owner", "Live since": "deployment_date"}')
    result = run("import", path, "--sheet", "Inventory 2026", "--map", mapping)
    assert result.code == 0, result.out + result.err
    assert AIModel.objects.get().vendor == "AWS"
    bad_map = write(tmp_path, "bad.json", '{"Supplier firm": "supplier"}')
    refused = run("import", path, "--sheet", "Inventory 2026", "--map", bad_map)
    assert refused.code == 1 and "The mapping file" in refused.err and "'supplier', which is no field" in refused.err


def test_a_refused_file_says_every_reason_without_a_traceback(run, tmp_path):
    path = write(tmp_path, "bank.csv", f"{HEADER}\nm,V,high,u,b,t,2026-01-01\nM,V,high,u,b,t,2026-01-01\nx,y\n")
    result = run("import", path)
    assert result.code == 1 and "bank.csv was not imported; nothing was written:" in result.err
    assert "row 4: Row 4 has 2 cells" in result.err and "more than once" in result.err
    assert "Traceback" not in result.err + result.out
    missing = run("import", str(tmp_path / "nope.csv"))
    assert missing.code == 1 and "Cannot read" in missing.err and "No such file or directory" in missing.err


def test_json_output_of_an_import_and_of_a_refusal(run, tmp_path):
    path = write(tmp_path, "bank.csv", f"{HEADER}\nbad,V,extreme,u,b,t,2026-01-01\n")
    data = json.loads(run("import", path, "--json").out)
    assert data["written"] is False and data["failed"] == 1
    (problem,) = data["problems"]
    assert problem["row"] == 2 and problem["field"] == "risk_tier" and problem["where"] == "bank.csv, row 2, column risk_tier"
    refused = run("import", write(tmp_path, "empty.csv", ""), "--json")
    error = json.loads(refused.out)["error"]
    assert refused.code == 1 and error["code"] == "file_refused" and error["problems"][0]["message"].startswith(
        "The file is empty")


def test_the_role_is_checked(run, tmp_path, erin):
    path = write(tmp_path, "bank.csv", f"{HEADER}\nm,V,high,u,b,t,2026-01-01\n")
    result = run("import", path, "--user", "erin")
    assert result.code == 1 and "Permission denied: erin (role: examiner) may not import models" in result.err
    assert not ModelReview.objects.exists() and not AIModel.objects.exists()
