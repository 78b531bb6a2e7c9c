"""``mltrack report -f terminal``: a report laid out with rich (metadata, summary, charts, tables)."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from common.cli import make_console, plain
from reports.data import Chart, Report, Table
from reports.formats import display

BAR = "█"
BAR_WIDTH = 30
# Wide tables (the inventory has 25 columns) show their first columns; CSV and JSON carry all.
MAX_COLUMNS = 8


def _metadata(report: Report) -> RichTable:
    metadata = report.metadata
    grid = RichTable.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    filters = ", ".join(f"{key}={value}" for key, value in metadata.filters.items()) or "none (whole inventory)"
    # Institution, author and filter values are typed by people: one escaped line each.
    for label, value in (
        ("Institution", metadata.institution),
        ("As of", metadata.as_of.isoformat()),
        ("Generated", f"{metadata.generated_at.isoformat(timespec='seconds')} by {metadata.generated_by}"),
        ("Filters", filters),
        ("Models", display(metadata.model_count)),
        ("Ruleset", f"{metadata.ruleset_version}  {metadata.ruleset_hash}"),
        ("Audit chain head", f"#{metadata.chain_head_sequence}  {metadata.chain_head_hash}"),
        ("Data SHA-256", report.data_sha256),
    ):
        grid.add_row(label, Text(plain(value)))
    return grid


def _highlights(report: Report) -> RichTable:
    grid = RichTable.grid(padding=(0, 3))
    grid.add_column(style="bold")
    grid.add_column(justify="right")
    for label, value in report.highlights:
        grid.add_row(label, display(value))
    return grid


def _chart(chart: Chart) -> Panel:
    grid = RichTable.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, max_width=28, overflow="ellipsis")
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right")
    largest = max((value for _, value in chart.bars), default=0)
    for label, value in chart.bars:
        width = round(BAR_WIDTH * value / largest) if largest else 0
        grid.add_row(Text(plain(str(label))), Text(BAR * width, style="cyan"), display(value))
    return Panel(grid, title=chart.title, title_align="left", expand=False)


def _table(table: Table) -> RichTable:
    columns = table.columns[:MAX_COLUMNS]
    hidden = len(table.columns) - len(columns)
    caption = f"{len(table.rows):,} row(s)" + (f"; {hidden} more columns in -f csv or json" if hidden else "")
    out = RichTable(title=table.title, title_justify="left", caption=caption, caption_justify="left", expand=False)
    for column in columns:
        out.add_column(column.label, overflow="fold")
    for row in table.rows:
        out.add_row(*(Text(plain(display(value))) for value in row[:MAX_COLUMNS]))
    return out


def print_report(report: Report) -> None:
    console = make_console()
    console.print(Panel(Group(_metadata(report)), title=report.metadata.title, title_align="left"))
    console.print(Panel(_highlights(report), title="Summary", title_align="left", expand=False))
    for chart in report.charts:
        console.print(_chart(chart))
    for table in report.tables:
        if table.rows:
            console.print(_table(table))
        else:
            console.print(Text(f"{table.title}: none", style="dim"))
