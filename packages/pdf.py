"""An exam package's PDF: its framework's sections laid out by the reports' PDF engine (WeasyPrint,
the app's own fonts and styles, nothing fetched)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from packages.frameworks import RESCINDED_ON
from reports.pdf import DEFAULT_PAPER, Progress, html_to_pdf, page_size

TEMPLATE = "packages/pdf/package.html"


def render_package_pdf(context: dict[str, Any], *, progress: Progress, paper: str = DEFAULT_PAPER) -> bytes:
    html = render_to_string(TEMPLATE, {**context, "rescinded_on": RESCINDED_ON, "page_size": page_size(paper)})
    return html_to_pdf(html, progress)
