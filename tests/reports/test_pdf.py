"""The PDF reports (reports.pdf): rendered for a small known inventory, read back with pypdf, and
checked against the Report they were made from."""

from __future__ import annotations

import datetime as dt
import io
import re
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from reports.data import KINDS, Report, build_report
from tests.factories import make_model, record_review
from tests.reports.conftest import skip_without_weasyprint

skip_without_weasyprint()
from reports import pdf  # noqa: E402  (after the skip: WeasyPrint loads Pango when imported)
from reports.pdf import layout  # noqa: E402

TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 15, 30, tzinfo=dt.UTC)
INSTITUTION = "First Example Savings Bank, N.A."
TRACKER = "https://tracker.example.invalid/pixel.png"


@dataclass
class Rendered:
    report: Report
    content: bytes
    reader: PdfReader
    # Each page's text with runs of whitespace made single spaces.
    pages: list[str]

    def section_page(self, number: str, title: str) -> int:
        """The 1-based page where a section's heading is (after the cover and contents)."""
        heading = f"{number} {title}"
        return next(index for index, text in enumerate(self.pages, start=1) if index > 2 and heading in text)


def flat(text: str) -> str:
    return " ".join(text.split())


def squash(text: str) -> str:
    """Text without any whitespace: a cell that wraps (at a space or after a hyphen) still matches."""
    return "".join(text.split())


def render(kind: str, *, filters: dict[str, str] | None = None, **options) -> Rendered:
    report = build_report(kind, filters=filters or {}, today=TODAY, now=NOW, generated_by="bob")
    content = pdf.render_pdf(report, **options)
    reader = PdfReader(io.BytesIO(content))
    return Rendered(report, content, reader, [flat(page.extract_text()) for page in reader.pages])


@pytest.fixture(autouse=True)
def _institution(settings):
    settings.MLTRACK_INSTITUTION_NAME = INSTITUTION


@pytest.fixture
def inventory(db):
    """Three models, short values (a row is one line), one reviewed, one with a URL in its data."""
    scorer = make_model(model_name="card-scorer", vendor="In-house", risk_tier="high", use_case="Card fraud",
                        business_line="Cards", deployment_environment="prod")
    make_model(model_name="limit-advisor", vendor="OpenAI", risk_tier="critical", use_case="Credit limits",
               business_line="Lending", deployment_environment="prod", data_classification="restricted",
               api_endpoint="https://api.example.invalid/v1/score")
    make_model(model_name="lead-ranker", vendor="AWS", risk_tier="low", use_case="Marketing leads",
               business_line="Retail", deployment_environment="dev", data_classification="internal",
               notes=f'See <img src="{TRACKER}">')
    record_review(scorer, today=TODAY, review_date=TODAY)


@pytest.mark.parametrize("kind", KINDS)
def test_it_puts_institution_title_as_of_and_digest_on_the_cover(inventory, kind):
    rendered = render(kind)
    cover = rendered.pages[0]
    assert INSTITUTION.upper() in cover  # set in capitals by the style sheet
    assert rendered.report.metadata.title in cover
    assert "As of 2026-11-27" in cover
    assert f"Data SHA-256 {rendered.report.data_sha256}" in cover
    assert "Generated 2026-11-27 15:30 UTC by bob" in cover
    assert "Page 1" not in cover  # the cover has no running header or footer


@pytest.mark.parametrize("kind", KINDS)
def test_it_lists_every_section_in_the_contents_with_its_page(inventory, kind):
    rendered = render(kind)
    contents = rendered.pages[1]
    assert contents.startswith("Contents")
    titles = ["Summary", *(table.title for table in rendered.report.tables), "About this report"]
    for number, title in enumerate(titles, start=1):
        entry = re.search(rf"{number} {re.escape(title)}[^.]*?(?: \.)+ (\d+)", contents)
        assert entry, f"no contents entry for {title!r} in {contents!r}"
        assert int(entry[1]) == rendered.section_page(str(number), title)


@pytest.mark.parametrize("kind", KINDS)
def test_it_prints_the_summary_figures_and_charts(inventory, kind):
    rendered = render(kind)
    summary = rendered.pages[rendered.section_page("1", "Summary") - 1]
    for label, value in rendered.report.highlights:
        assert re.search(rf"{re.escape(layout.format_cell(value))}\s*{re.escape(label)}", summary), label
    for chart in rendered.report.charts:
        total = sum(count for _, count in chart.bars)
        assert f"{chart.title} (total {total:,})" in summary
        for label, count in chart.bars:
            share = 100 * count / total if total else 0.0
            assert f"{label} {count:,} {share:.1f}%" in summary


@pytest.mark.parametrize("kind", KINDS)
def test_it_prints_every_row_of_every_table(inventory, kind):
    rendered = render(kind)
    for number, table in enumerate(rendered.report.tables, start=2):
        start = rendered.section_page(str(number), table.title)
        text = rendered.pages[start - 1]
        shown = layout.choose_columns(table)
        if not table.rows:
            assert "No rows" in text
            continue
        assert f"{len(table.rows):,} row" in text
        # pypdf reads a table cell by cell, in order, so each row reads as its cells in a row.
        for row in table.rows:
            line = " ".join(layout.format_cell(row[index], table.columns[index].key) for index in shown)
            assert squash(line) in squash(text), f"{table.title}: {line!r} not in {text!r}"


def test_it_formats_numbers_dates_and_empty_values_consistently():
    assert layout.format_cell(1234567) == "1,234,567"
    assert layout.format_cell(37.5) == "37.5"
    assert layout.format_cell(2.0) == "2.0"
    assert layout.format_cell("2026-11-27") == "2026-11-27"
    # Coded values read as the console shows them.
    assert (layout.format_cell("high", "risk_tier"), layout.format_cell("prod", "deployment_environment")) == (
        "High", "Production")
    assert layout.format_cell("high", "vendor") == "high"
    assert layout.format_cell(None) == layout.format_cell("") == "—"


def test_it_numbers_every_page_but_the_cover(inventory):
    rendered = render("risk")
    total = len(rendered.pages)
    for number, text in enumerate(rendered.pages[1:], start=2):
        assert f"Page {number} of {total}" in text


def test_it_repeats_the_table_header_on_each_page_a_table_spans(inventory):
    for index in range(40):
        make_model(model_name=f"bulk-model-{index:03}", use_case="Card fraud", business_line="Cards")
    rendered = render("inventory")
    names = sorted(row[0] for row in rendered.report.tables[0].rows)
    pages = [text for text in rendered.pages if any(name in text for name in names)]
    assert len(pages) >= 2, "the table should span pages for this test to mean anything"
    header = " ".join(column.label for column in rendered.report.tables[0].columns[:3])  # Model name Vendor Risk tier
    for text in pages:
        assert header in text
    # Rows are not repeated: each model is on exactly one page.
    for name in names:
        assert sum(re.search(rf"\b{re.escape(name)}\b", text) is not None for text in pages) == 1


def test_it_states_every_metadata_field(inventory):
    rendered = render("compliance", filters={"risk_tier": "high"})
    meta = rendered.report.metadata
    about = rendered.pages[rendered.section_page(str(len(rendered.report.tables) + 2), "About this report") - 1]
    assert meta.chain_head_sequence >= 1
    for expected in (
        "Generated at 2026-11-27 15:30 UTC",
        "Generated by bob",
        "As of 2026-11-27",
        f"Institution {INSTITUTION}",
        "Scope Risk tier: high",
        f"Models in scope {meta.model_count:,}",
        f"Compliance ruleset version {meta.ruleset_version}",
        f"Ruleset SHA-256 {meta.ruleset_hash}",
        f"Audit trail head sequence {meta.chain_head_sequence:,}",
        f"Audit trail head hash {meta.chain_head_hash}",
        f"Data SHA-256 {rendered.report.data_sha256}",
    ):
        assert expected in about
    assert rendered.reader.metadata.title == f"{meta.title}: {INSTITUTION}, as of 2026-11-27"
    assert rendered.reader.metadata.author == INSTITUTION


def test_it_shows_a_selection_of_a_wide_tables_columns_and_names_the_rest(inventory):
    rendered = render("inventory")
    table = rendered.report.tables[0]
    shown = layout.choose_columns(table)
    assert len(table.columns) > layout.MAX_COLUMNS == len(shown)
    omitted = [column.label for index, column in enumerate(table.columns) if index not in shown]
    assert "State SHA-256" in omitted and "Use case" not in omitted
    text = " ".join(rendered.pages)
    assert f"Showing {len(shown)} of {len(table.columns)} columns" in text
    assert f"leaves out {', '.join(omitted)}: the report's CSV and JSON exports hold them." in text


def test_it_cuts_a_very_long_cell_and_says_so(db):
    make_model(model_name="long-notes", notes="word " * 1000)
    rendered = render("inventory")
    text = " ".join(rendered.pages)
    assert "word … [cut]" in text
    assert text.count("word") < 200


def test_it_calls_progress_with_increasing_percentages_up_to_100(inventory):
    calls: list[tuple[int, str]] = []
    render("risk", progress=lambda percent, stage: calls.append((percent, stage)))
    percents = [percent for percent, _ in calls]
    assert len(percents) >= 3
    assert percents == sorted(set(percents))
    assert percents[-1] == 100
    assert all(stage for _, stage in calls)


def test_it_fetches_only_the_apps_own_static_files(inventory, monkeypatch):
    fetched: list[str] = []
    connections: list[object] = []
    original = pdf.StaticFilesFetcher.fetch

    def recording_fetch(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(pdf.StaticFilesFetcher, "fetch", recording_fetch)
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connections.append(address))
    rendered = render("inventory")

    static = Path(settings.STATICFILES_DIRS[0]).resolve().as_uri()
    assert fetched, "the style sheet and fonts come through the fetcher"
    assert all(url.startswith(static + "/") for url in fetched), fetched
    assert any(url.endswith("/reports/pdf.css") for url in fetched)
    assert any(url.endswith("/fonts/LiberationSans-Regular.ttf") for url in fetched)
    assert connections == []
    # The URL in the data is printed as text (here wrapped after a slash), never fetched.
    assert squash(f'See <img src="{TRACKER}">') in squash(" ".join(rendered.pages))


def test_the_fetcher_refuses_anything_but_files_in_the_static_folder(tmp_path):
    static = tmp_path / "static"
    (static / "reports").mkdir(parents=True)
    (static / "reports" / "pdf.css").write_text("body { color: black }")
    (tmp_path / "secret.txt").write_text("no")
    fetcher = pdf.StaticFilesFetcher(static)

    assert fetcher.fetch((static / "reports" / "pdf.css").as_uri()).read() == b"body { color: black }"
    for url in (
        TRACKER,
        "http://127.0.0.1:8000/static/reports/pdf.css",
        "data:text/css,body{}",
        (tmp_path / "secret.txt").as_uri(),
        (static / "reports").as_uri() + "/../../secret.txt",
        "file://fileserver/share/pdf.css",
        (static / "reports" / "missing.css").as_uri(),
    ):
        with pytest.raises(pdf.RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7


def test_it_embeds_only_the_apps_fonts(inventory):
    rendered = render("risk")
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in rendered.reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Subsets named after pdf.css's @font-face families: no system font stood in for a missing file.
    names = {name.split("+")[1] for name in fonts}
    assert "Report-Sans" in names
    assert names <= {"Report-Sans", "Report-Sans-Bold", "Report-Sans-Italic", "Report-Serif-Bold", "Report-Mono"}


def test_it_prints_on_letter_or_a4_landscape(inventory):
    letter = render("risk")
    a4 = render("risk", paper="a4")
    assert [round(float(value)) for value in letter.reader.pages[0].mediabox[2:]] == [792, 612]
    assert [round(float(value)) for value in a4.reader.pages[0].mediabox[2:]] == [842, 595]
    with pytest.raises(ValueError, match="Unknown paper size"):
        pdf.render_pdf(letter.report, paper="legal")


def test_the_html_escapes_report_text(inventory):
    report = build_report("inventory", filters={}, today=TODAY, now=NOW, generated_by="<b>bob</b>")
    html = pdf.render_html(report)
    assert "&lt;b&gt;bob&lt;/b&gt;" in html
    assert f'<img src="{TRACKER}">' not in html
    assert html.count("<thead>") == len(report.tables)


def test_a_date_column_never_breaks_a_date_across_lines(inventory):
    report = build_report("inventory", filters={}, today=TODAY, now=NOW, generated_by="bob")
    laid_out = layout.layout_table(report.tables[0], "2", main=True)

    dated = [column for column in laid_out["columns"] if column.nowrap]
    assert {column.label for column in dated} >= {"Last review", "Next review"}
    html = pdf.render_html(report)
    assert '<td class="date">' in html
    assert "table.data .date { white-space: nowrap; }" in (layout.static_root() / "reports" / "pdf.css").read_text()
