"""PDF rendering of the reports with WeasyPrint: Report -> context -> HTML -> PDF bytes.

The only WeasyPrint import of the project. The document is a landscape page (US Letter, or A4)
in this order:

1. a cover: institution, title, as-of date, scope, models, when and by whom, the data SHA-256;
2. the contents, with page numbers and links;
3. the summary: the report's figures and its charts (bars drawn in HTML/CSS);
4. one section per table, its header repeated on every page it spans, rows kept whole;
5. "About this report": every metadata field, what the digest covers, and what the PDF leaves out.

Tables show at most ``layout.MAX_COLUMNS`` columns (the inventory's 25 become 12: the governance
columns; identifiers, hashes and timestamps stay in the CSV and JSON exports), and cells longer
than ``layout.MAX_CELL_CHARS`` are cut; both are stated in the document (see reports.pdf.layout).

Styles and fonts come from the app's static folder (static/reports/pdf.css, static/fonts/) through
a URL fetcher that refuses anything else, so rendering never touches the network, whatever the
data holds (report text is escaped by the template engine and never fetched).
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports.data import Report
from reports.pdf.layout import build_context, static_root

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
TEMPLATE = "reports/pdf/report.html"
PAPER_SIZES = {"letter": "letter landscape", "a4": "A4 landscape"}
DEFAULT_PAPER = "letter"


class RefusedURL(ValueError):
    """A URL outside the static folder; WeasyPrint logs it and renders without the resource."""


class StaticFilesFetcher(URLFetcher):
    """Serves file: URLs inside ``root`` from disk and refuses every other URL (http, data, other
    files), so neither the network nor files outside the static folder can reach a report."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=("file",))
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = self.local_path(url)
        if path is None:
            self.refused.append(url)
            logger.warning("PDF rendering refused to fetch %s: only the app's static files are used.", url)
            raise RefusedURL(f"Not a static file of the app: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})

    def local_path(self, url: str) -> Path | None:
        """The file ``url`` names if it is an existing file under the root (after resolving ``..``
        and links), else None."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path


def page_size(paper: str) -> str:
    """The CSS page size of a paper name; ValueError for an unknown one."""
    if paper not in PAPER_SIZES:
        raise ValueError(f"Unknown paper size {paper!r}: choose {' or '.join(PAPER_SIZES)}.")
    return PAPER_SIZES[paper]


def render_html(report: Report, *, paper: str = DEFAULT_PAPER) -> str:
    """The document as HTML (what WeasyPrint lays out). Raises ValueError for an unknown paper size."""
    return render_to_string(TEMPLATE, {**build_context(report), "page_size": page_size(paper)})


def render_pdf(report: Report, *, progress: Progress | None = None, paper: str = DEFAULT_PAPER) -> bytes:
    """The report as a PDF document. ``progress(percent, stage)`` hears of each stage (10, 40, 90,
    then 100 when done); layout is most of the time. Raises ValueError for an unknown paper size."""
    page_size(paper)

    def tell(percent: int, stage: str) -> None:
        if progress is not None:
            progress(percent, stage)

    tell(10, "Building the document")
    return html_to_pdf(render_html(report, paper=paper), tell)


def html_to_pdf(html: str, tell: Progress) -> bytes:
    """Lay out ``html`` (a document of the app's templates, styled by its static files) as a PDF,
    fetching nothing but the app's static files. ``tell(percent, stage)`` hears of 40, 90 and 100."""
    tell(40, "Laying out the pages")
    root = static_root()
    fetcher = StaticFilesFetcher(root)
    document = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).render(
        font_config=FontConfiguration()
    )
    tell(90, f"Writing {len(document.pages):,} pages")
    pdf = document.write_pdf()
    tell(100, "Done")
    return pdf
