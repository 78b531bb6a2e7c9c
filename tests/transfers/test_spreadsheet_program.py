"""A workbook saved by a real spreadsheet program: LibreOffice (Debian's libreoffice-calc-nogui)
converts a CSV to .xlsx, turning the dates into date cells and numbers into numbers, as a person's
spreadsheet has them; the import reads it as the dates it shows."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from inventory.models import AIModel
from tests.transfers.conftest import run_import

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen_clock"),
    pytest.mark.skipif(shutil.which("soffice") is None,
                       reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui; .ci/run does)"),
]

SHEET = (
    "Model inventory,,,,,,,,\n"
    "Model Name,Provider,Risk Rating,Purpose,Model Owner,Development Team,Go-live date,Business unit,Notes\n"
    'claims-triage,AWS,High,"Claims routing, triage",Maria Garcia,Claims DS,2026-03-02,Insurance,"=risk, reviewed"\n'
    "fraud-gbm,In-house,Critical,Card fraud,Tom Reed,Fraud DS,2025-11-30,Cards,\n"
)


def test_a_workbook_saved_by_libreoffice_imports_with_its_dates(tmp_path):
    source = tmp_path / "inventory.csv"
    source.write_text(SHEET)
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "xlsx",
         "--outdir", str(tmp_path), str(source)],
        capture_output=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    workbook = (tmp_path / "inventory.xlsx").read_bytes()

    from openpyxl import load_workbook

    cells = list(load_workbook(tmp_path / "inventory.xlsx").active.iter_rows(values_only=True))
    assert isinstance(cells[2][6], dt.datetime)  # LibreOffice made the date a date cell

    outcome = run_import(workbook, "inventory.xlsx")
    assert outcome.ok and outcome.created == 2, [p.describe() for p in outcome.problems]
    claims = AIModel.objects.get(model_name="claims-triage")
    assert claims.deployment_date == dt.date(2026, 3, 2) and claims.use_case == "Claims routing, triage"
    assert claims.business_line == "Insurance" and claims.risk_tier == "high"
    assert AIModel.objects.get(model_name="fraud-gbm").deployment_date == dt.date(2025, 11, 30)
