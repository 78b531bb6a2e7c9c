"""Every response carries the Content-Security-Policy header: scripts, styles, images, fonts and
fetches from the app's own origin only, no plugins, no framing, forms posted only to the app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from common.middleware import CONTENT_SECURITY_POLICY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_the_policy_allows_only_the_apps_own_files():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == directives["style-src"] == "'self'"
    assert (directives["object-src"], directives["base-uri"], directives["frame-ancestors"]) == ("'none'",) * 3
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("url", ["/", "/models/", "/reports/", "/admin/", "/login/"])
def test_pages_carry_the_header(client, bob, url):
    client.force_login(bob)
    response = client.get(url)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_error_pages_carry_it_too(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("inventory:list"))["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert client.get("/no-such-page/")["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_djangos_debug_error_pages_go_without_it(client, bob, settings):
    # They are styled and scripted inline; they exist only with DEBUG on.
    settings.DEBUG = True
    client.force_login(bob)
    assert "Content-Security-Policy" not in client.get("/no-such-page/")


def test_no_console_template_has_an_inline_script_or_style():
    # The PDF templates are rendered by WeasyPrint, and the email templates read in mail clients
    # (which need inline styles): neither is served to a browser.
    served = [path for path in TEMPLATES.rglob("*.html") if not {"pdf", "email"} & set(path.parts)]
    for path in served:
        html = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html), path
