"""A refused request is logged as one line (status, user, path, reason), never as a traceback, and
nothing the request carried can break the line."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client
from django.urls import reverse

from common.logs import RefusalLogFilter
from inventory.permissions import NO_ACCESS_MESSAGE
from tests.factories import make_model

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def log():
    """What the console log handler of settings.LOGGING writes, for the length of a test."""
    (handler,) = [h for h in logging.getLogger().handlers if any(isinstance(f, RefusalLogFilter) for f in h.filters)]
    # Swapped by hand: setStream() would flush the previous stream, which an earlier test that set
    # Django up again under captured output may have left closed.
    stream, previous = io.StringIO(), handler.stream
    handler.stream = stream
    yield stream
    handler.stream = previous


def lines(log: io.StringIO) -> list[str]:
    """The lines written, less the login throttle's notes about each test's log-in."""
    return [line for line in log.getvalue().splitlines() if not line.startswith("AXES: ")]


def test_a_service_refusal_is_one_line_with_user_path_and_reason(client, alice, log):
    model = make_model(owner=alice, model_name="fraud-v2")
    client.force_login(alice)
    url = reverse("inventory:status", args=[model.pk])

    assert client.post(url, {"status": "decommissioned"}).status_code == 403

    assert lines(log) == [
        f"403 Forbidden user=alice path={url} reason=Permission denied: alice (role: model-owner) may not change a "
        "model's risk tier or lifecycle status (model risk officers and administrators do)."
    ]


def test_a_permission_denied_of_a_view_is_one_line(client, charlie, log):
    client.force_login(charlie)
    assert client.get(reverse("inventory:list")).status_code == 403
    (line,) = lines(log)
    assert line.startswith("403 Forbidden user=charlie path=/models/ reason=")
    assert "Traceback" not in log.getvalue()


def test_a_csrf_failure_is_one_line(bob, log):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    assert client.post(reverse("inventory:create"), {}).status_code == 403
    (line,) = lines(log)
    assert line == "403 Forbidden user=bob path=/models/new/ reason=CSRF cookie not set."


def test_a_crafted_path_cannot_forge_log_lines(client, charlie, log):
    client.force_login(charlie)
    client.get("/models/%0A403%20Forbidden%20user=admin%1B[2J/")
    client.get(reverse("inventory:list") + "?q=%1B]0;x%07")
    assert "\x1b" not in log.getvalue() and "\x07" not in log.getvalue()
    assert lines(log) == [
        "Not Found: /models/\\n403 Forbidden user=admin\\x1b[2J/",
        "403 Forbidden user=charlie path=/models/ reason=" + NO_ACCESS_MESSAGE,
    ]


def test_a_bad_request_is_one_line(client, bob, log):
    client.force_login(bob)
    assert client.get("/models/?q=%00").status_code == 400
    assert lines(log) == ["400 Bad request user=bob path=/models/ reason=Bad request"]


def test_other_records_pass_unchanged():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x",), None)
    record.status_code = 500
    assert RefusalLogFilter().filter(record)
    assert record.getMessage() == "Internal Server Error: /x"
