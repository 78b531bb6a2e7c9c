"""The console's import: upload, match the columns (suggested for unfamiliar headers), a preview
with every row's problems, then confirm; and downloads of the inventory list as filtered. Roles
are checked by the services; another person's upload is not found."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import AIModel
from tests.factories import make_model
from transfers.models import Upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

BANK = (
    "Model inventory (Q3)\n"
    "Model Name,Provider,Risk Rating,Purpose,Model Owner,Development Team,Go-live date,Internal ref\n"
    "claims-triage,AWS,High,Claims routing,Maria Garcia,Claims DS,2026-03-02,R-17\n"
    "doc-summary,In-house,Severe,Summaries,Tom Reed,NLP,03/04/2025,R-18\n"
)


def upload_file(client, content: str = BANK, name: str = "bank.csv", **extra):
    return client.post(reverse("transfers:upload"), {"file": SimpleUploadedFile(name, content.encode()), **extra})


def test_the_whole_flow_upload_match_preview_confirm(client, bob):
    client.force_login(bob)
    response = upload_file(client)
    upload = Upload.objects.get()
    assert response.status_code == 302 and response["Location"] == upload.get_absolute_url()

    page = client.get(upload.get_absolute_url()).content.decode()
    assert "1. Match the columns" in page and "Internal ref" in page and "not recognised" in page
    fields = {column["header"]: column["field"] for column in upload.columns}
    assert fields["Provider"] == "vendor" and fields["Internal ref"] is None
    mapping = {f"column_{i}": column["field"] or "" for i, column in enumerate(upload.columns)}

    response = client.post(reverse("transfers:mapping", args=[upload.pk]), mapping)
    upload.refresh_from_db()
    assert upload.state == "checked" and upload.result["failed"] == 1 and not AIModel.objects.exists()
    preview = client.get(upload.get_absolute_url()).content.decode()
    assert "2. Preview" in preview and "could be read more than one way" in preview
    assert "&#x27;severe&#x27; is not allowed here" in preview
    assert "Column &quot;Internal ref&quot; is left out, as the mapping says." in preview

    client.post(reverse("transfers:confirm", args=[upload.pk]), {})
    upload.refresh_from_db()
    assert upload.state == "imported" and not upload.result["written"] and not AIModel.objects.exists()
    assert "Nothing was written" in client.get(upload.get_absolute_url()).content.decode()


def test_confirming_with_continue_on_error_imports_the_good_rows(client, bob):
    client.force_login(bob)
    upload_file(client)
    upload = Upload.objects.get()
    client.post(reverse("transfers:mapping", args=[upload.pk]),
                {f"column_{i}": c["field"] or "" for i, c in enumerate(upload.columns)})
    client.post(reverse("transfers:confirm", args=[upload.pk]), {"continue_on_error": "on"})
    upload.refresh_from_db()
    assert upload.result["written"] and list(AIModel.objects.values_list("model_name", flat=True)) == ["claims-triage"]
    assert upload.content == b""  # the file is not kept once imported
    assert "Imported: the rows without problems" in client.get(upload.get_absolute_url()).content.decode()


def test_a_field_chosen_for_two_columns_is_refused_on_the_mapping_page(client, bob):
    client.force_login(bob)
    upload_file(client)
    upload = Upload.objects.get()
    mapping = {f"column_{i}": c["field"] or "" for i, c in enumerate(upload.columns)}
    mapping["column_7"] = "vendor"
    response = client.post(reverse("transfers:mapping", args=[upload.pk]), mapping)
    assert response.status_code == 400 and "vendor is already filled by the column" in response.content.decode()
    upload.refresh_from_db()
    assert upload.state == "uploaded"


def test_a_file_that_cannot_be_read_is_refused_on_the_upload_page(client, bob):
    client.force_login(bob)
    response = upload_file(client, "", "empty.csv")
    assert response.status_code == 200 and "The submitted file is empty." in response.content.decode()
    response = upload_file(client, "a,b\n\"broken,x\n", "broken.csv")
    assert "broken.csv: Row 2 (line 2 of the file) cannot be read" in response.content.decode()
    response = upload_file(client, "a,b\n", "inventory.pdf")
    assert "Cannot tell the file&#x27;s format from its name" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, bob, settings):
    settings.MLTRACK_IMPORT_MAX_MB = 1
    client.force_login(bob)
    response = upload_file(client, "x" * (1024 * 1024 + 1))
    assert "over the limit of 1 MB" in response.content.decode() and not Upload.objects.exists()


@pytest.mark.parametrize("persona", ["erin", "charlie"])
def test_those_who_may_not_add_models_may_not_import(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("transfers:upload")).status_code == 403
    assert upload_file(client).status_code == 403


def test_another_persons_upload_is_not_found(client, bob, carol):
    client.force_login(bob)
    upload_file(client)
    upload = Upload.objects.get()
    client.force_login(carol)
    for name in ("transfers:detail", "transfers:status"):
        assert client.get(reverse(name, args=[upload.pk])).status_code == 404
    assert client.post(reverse("transfers:confirm", args=[upload.pk])).status_code == 404


def test_the_status_says_how_far_it_got(client, bob):
    client.force_login(bob)
    upload_file(client)
    upload = Upload.objects.get()
    status = client.get(reverse("transfers:status", args=[upload.pk])).json()
    assert status == {"state": "uploaded", "state_label": "Columns to match", "progress": 0, "stage": "",
                      "running": False, "stalled": False, "error": ""}


def test_the_preview_page_costs_the_same_queries_for_any_number_of_rows(client, bob):
    client.force_login(bob)
    counts = []
    for rows in (1, 40):
        body = "model_name,vendor,risk_tier,use_case,business_owner,technical_owner,deployment_date\n" + "".join(
            f"m{rows}-{n},V,high,u,b,t,2026-01-01\n" for n in range(rows))
        upload_file(client, body, f"f{rows}.csv")
        upload = Upload.objects.get(file_name=f"f{rows}.csv")
        client.post(reverse("transfers:mapping", args=[upload.pk]),
                    {f"column_{i}": c["field"] or "" for i, c in enumerate(upload.columns)})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(upload.get_absolute_url() + "?show=all").status_code == 200
        counts.append(len(queries))
    # session, user, permissions (2), the upload, the user's groups for the role check: 6 in all
    assert counts[0] == counts[1] <= 6


def test_the_inventory_list_offers_exports_of_what_it_shows(client, erin, bob):
    make_model(model_name="crit", risk_tier="critical")
    make_model(model_name="low", risk_tier="low")
    client.force_login(erin)
    page = client.get(reverse("inventory:list") + "?risk_tier=critical").content.decode()
    assert "/models/export/?risk_tier=critical&amp;format=csv" in page and "Import a file" not in page
    response = client.get(reverse("transfers:export") + "?risk_tier=critical&format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="mltrack-inventory-2026-11-27.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[0] for row in rows] == ["model_name", "crit"]
    client.force_login(bob)
    assert "Import a file" in client.get(reverse("inventory:list")).content.decode()


def test_exports_and_templates_come_in_every_format(client, erin):
    make_model(model_name="one")
    client.force_login(erin)
    for fmt, start in (("csv", b"model_name,"), ("json", b"{"), ("xlsx", b"PK")):
        assert client.get(reverse("transfers:export") + f"?format={fmt}&reviews=1").content.startswith(start)
        assert client.get(reverse("transfers:template") + f"?format={fmt}").content.startswith(start)
    assert client.get(reverse("transfers:export") + "?format=csv&table=reviews").content.startswith(b"model_name,review_date")
    assert client.get(reverse("transfers:template") + "?format=csv&table=columns").content.startswith(b"table,column")
    assert client.get(reverse("transfers:export") + "?format=pdf").status_code == 404


def test_those_who_cannot_read_the_inventory_cannot_export_it(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("transfers:export")).status_code == 403
