"""A large upload is checked and imported by a real Celery worker (prefork, as ``make run`` starts
it), through the broker the console uses: the page's state moves from checking to checked, then
from importing to imported, and the models are in the inventory once, with their history."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from common.actors import Actor
from inventory.models import AIModel
from tests.conftest import make_user
from transfers import uploads
from transfers.models import Upload

pytestmark = [pytest.mark.integration]

ROWS = 1_500
WAIT_SECONDS = 90


def large_file() -> bytes:
    lines = ["model_name,vendor,risk_tier,use_case,business_owner,technical_owner,deployment_date,notes"]
    # Notes long enough that the file is over the inline limit: the worker does the work.
    lines += [f"bulk-{n:05d},In-house,medium,Batch scoring,Jane Smith,ML Platform,2026-01-05,{'n' * 200}"
              for n in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def wait_for(upload: Upload, state: str, workers) -> Upload:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if upload.state == state:
            return upload
        if upload.state == Upload.State.FAILED:
            break
        time.sleep(0.1)
    raise AssertionError(f"waited for {state}; the upload is {upload.state} ({upload.stage}) {upload.error}\n"
                         f"{workers.logs()}")


def test_a_large_file_is_checked_then_imported_by_the_worker(workers):
    officer = make_user("risk.officer", "model-risk-officer")
    actor = Actor.for_user(officer)
    data = large_file()
    assert len(data) > uploads.INLINE_BYTES
    upload = uploads.receive_upload(data=data, name="bulk.csv", actor=actor, now=timezone.now())
    workers.start("worker")

    uploads.choose_mapping(upload, mapping={}, actor=actor, now=timezone.now())
    upload = wait_for(upload, Upload.State.CHECKED, workers)
    assert upload.result["created"] == ROWS and upload.result["problems"] == [] and not AIModel.objects.exists()

    uploads.confirm(upload, actor=actor, now=timezone.now())
    upload = wait_for(upload, Upload.State.IMPORTED, workers)
    assert upload.result["written"] and AIModel.objects.count() == ROWS
    assert AIModel.history.filter(history_actor="risk.officer", history_change_reason="imported from bulk.csv").count() \
        == ROWS
