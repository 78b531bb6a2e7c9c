"""How ``mltrack dashboard`` lays out a Portfolio in the terminal: rich renderables that only format
(every number comes from reports.portfolio, as on the web dashboard).

The layout follows the original tool's: a "Model Inventory Summary" panel, then Recent Additions,
Reviews Needed (30 days) and High Risk in Prod side by side, then bar charts By Vendor and By
Environment; plus what the web dashboard adds: never reviewed, changed since last review, overdue
reviews by age, and the compliance trend as a sparkline. It is worked out at render time from the
width it gets, so a live redraw follows a resized terminal:

- from 72 columns panels sit side by side, below that they are stacked;
- a list shows more columns (vendor, risk, dates) when they leave its model names room;
- bars are scaled to the largest value and fill their panel;
- beyond 160 columns the dashboard stops growing (longer bars and emptier panels read worse).

Names, vendors and filters are printed as plain ``Text``, never as console markup, each on one
line with control characters escaped (``common.cli.plain``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.constrain import Constrain
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from common.cli import plain
from common.cli.styles import RISK_STYLES
from inventory.models import DUE_SOON_DAYS
from reports.portfolio import LIST_LENGTH, Figure, ModelLine, Portfolio, TrendPoint

MAX_WIDTH = 160
# Below this width panels are stacked rather than side by side.
SIDE_BY_SIDE_WIDTH = 72
# A panel's borders and padding, left and right.
PANEL_EDGES = 4
# A list shows its extra columns when they leave the model names this many columns.
MODEL_WIDTH = 16
# Vendors (and any other list column but the model's) are cut with "…" beyond this width.
COLUMN_WIDTH = 10
# Fitted to a terminal's height, the lists and the vendor chart keep at least this many rows.
MIN_ROWS = 3
BLOCK = "█"
SPARKS = "▁▂▃▄▅▆▇█"
SHORT_TIERS = {"critical": "CRIT", "high": "HIGH", "medium": "MED", "low": "LOW"}
FILTER_LABELS = {
    "risk_tier": "risk",
    "deployment_environment": "environment",
    "status": "status",
    "vendor": "vendor",
    "business_line": "business line",
}
NO_TREND_MESSAGE = "Compliance trend: kept for all models and for one risk tier only."


def describe_filters(filters: dict[str, str]) -> str:
    """``{"risk_tier": "high", "vendor": "OpenAI"}`` as "risk high · vendor OpenAI"."""
    return " · ".join(f"{FILTER_LABELS.get(key, key)} {plain(str(value))}" for key, value in filters.items())


def tier_text(tier: str, *, short: bool) -> Text:
    return Text(SHORT_TIERS.get(tier, tier.upper()) if short else tier.upper(), style=RISK_STYLES.get(tier, ""))


def percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.1f}%"


def _none() -> Text:
    return Text("none", style="dim")


# The dashboard -------------------------------------------------------------------------------


@dataclass
class Dashboard:
    """The whole dashboard. ``fit_height`` shortens the lists and the vendor chart until it fits
    the terminal's height (for live redraws, which cannot scroll)."""

    portfolio: Portfolio
    filters: dict[str, str]
    footer: str = ""
    fit_height: bool = False

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = min(options.max_width, MAX_WIDTH)
        options = options.update_width(width)
        rows = LIST_LENGTH
        layout = self.layout(width, rows=rows)
        if self.fit_height:
            # A few trial renders of data already in memory, never a query. One line is left for
            # the cursor, so that a redraw never scrolls the terminal.
            while rows > MIN_ROWS and len(console.render_lines(layout, options, pad=False)) >= options.size.height:
                rows -= 1
                layout = self.layout(width, rows=rows)
        yield Constrain(layout, width)

    def layout(self, width: int, *, rows: int) -> Group:
        p = self.portfolio
        lists = [
            ("Recent Additions", _ModelList(p.recent_additions, _recent_columns, rows=rows)),
            (
                f"Reviews Needed ({DUE_SOON_DAYS} days)",
                _ModelList(p.reviews_needed, _due_columns, rows=rows, total=p.reviews_needed_count),
            ),
            (
                "High Risk in Prod",
                _ModelList(p.high_risk_models, _high_risk_columns, rows=rows, total=p.high_risk_in_production_count),
            ),
        ]
        # One more bar than list rows: the ten largest vendors and "N others" by default.
        vendors = _Bars(p.by_vendor, rows=rows + 1, style="cyan")
        environments = _Bars(p.by_environment, label=_environment_label, style="blue")
        ages = _Bars(p.overdue_by_age, style="red")
        parts: list[RenderableType] = [self.summary(width)]
        if width < SIDE_BY_SIDE_WIDTH:
            parts += [_panel(title, body) for title, body in lists]
            parts += [_panel("By Vendor", vendors), _panel("By Environment", environments),
                      _panel("Overdue by Age", ages)]
        else:
            # The panels of a row are made the same height, so that their borders line up; the
            # three lists are sized so that their model names get the same width.
            band = max(body.height for _, body in lists) + 2
            share = max((width - sum(body.others_width + PANEL_EDGES for _, body in lists)) // len(lists), 1)
            widths = [body.others_width + PANEL_EDGES + share for _, body in lists]
            parts.append(_side_by_side([_panel(title, body, height=band) for title, body in lists], widths))
            band = max(vendors.height + 2, environments.height + 2 + ages.height + 2)
            right = Group(
                _panel("By Environment", environments),
                _panel("Overdue by Age", ages, height=band - environments.height - 2),
            )
            parts.append(_side_by_side([_panel("By Vendor", vendors, height=band), right], (1, 1)))
        if self.footer:
            parts.append(Text(self.footer, style="dim"))
        return Group(*parts)

    def summary(self, width: int) -> Panel:
        p = self.portfolio
        groups: list[list[tuple[Text, Text]]] = [
            [
                (Text("Total Models"), Text(f"{p.total:,}")),
                (Text("Active Models"), Text(f"{p.active:,}")),
                (Text("Compliance"), Text(percent(p.compliance.compliance_rate))),
                (Text("Overdue Reviews"), Text(f"{p.overdue.count:,}", style="bold red" if p.overdue.count else "")),
            ],
            [(tier_text(figure.key, short=False), Text(f"{figure.count:,}")) for figure in p.by_tier],
            [
                (Text(f"Due in {DUE_SOON_DAYS} Days"), Text(f"{p.due_soon.count:,}")),
                (Text("Never Reviewed"), Text(f"{p.never_reviewed.count:,}")),
                (Text("Changed Since Review"), Text(f"{p.changed_since_review.count:,}")),
                (Text("High Risk in Prod"), Text(f"{p.high_risk_in_production_count:,}")),
            ],
        ]
        per_row = 3 if width >= SIDE_BY_SIDE_WIDTH else 2 if width >= 48 else 1
        grid = Table.grid(padding=(0, 1))
        for _ in range(per_row):
            grid.add_column(no_wrap=True)
            grid.add_column(justify="right", no_wrap=True)
            grid.add_column(min_width=2)  # between groups
        for start in range(0, len(groups), per_row):
            for line in zip(*groups[start:start + per_row], strict=True):
                grid.add_row(*(cell for label, value in line for cell in (label, value, "")))
        body: list[RenderableType] = [grid]
        if any(point.compliance_rate is not None for point in p.trend):
            body += [Text(), _Trend(p.trend)]
        elif p.trend_scope is None:
            body += [Text(), Text(NO_TREND_MESSAGE, style="dim")]
        subtitle = Text(f"as of {p.as_of.isoformat()}")
        if self.filters:
            subtitle.append(f" · {describe_filters(self.filters)}")
            subtitle.truncate(width - 6, overflow="ellipsis")
        return Panel(Group(*body), title="Model Inventory Summary", subtitle=subtitle, padding=(0, 1))


def _panel(title: str, body: RenderableType, *, height: int | None = None) -> Panel:
    return Panel(body, title=title, padding=(0, 1), height=height)


def _side_by_side(cells: Sequence[RenderableType], ratios: Sequence[int]) -> Table:
    grid = Table.grid(expand=True)
    for ratio in ratios:
        grid.add_column(ratio=ratio)
    grid.add_row(*cells)
    return grid


# Bar charts ----------------------------------------------------------------------------------


def _environment_label(figure: Figure) -> str:
    # PROD, STAGING, DEV as in the original tool; "(not set)" as the portfolio names it.
    return figure.key.upper() if figure.key else figure.label


class _Bars:
    """Horizontal bars, scaled to the largest count, filling the width, counts right-aligned.
    Beyond ``rows`` bars, the first ``rows - 1`` are shown and a "+N more" line."""

    def __init__(self, figures: Sequence[Figure], *, label: Callable[[Figure], str] = lambda figure: figure.label,
                 rows: int | None = None, style: str = "") -> None:
        shown = figures if rows is None or len(figures) <= rows else figures[:rows - 1]
        self.items = [(plain(label(figure)), figure.count) for figure in shown]
        self.hidden = len(figures) - len(shown)
        self.style = style

    @property
    def height(self) -> int:
        return max(len(self.items), 1) + (1 if self.hidden else 0)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.items:
            yield _none()
            return
        width = options.max_width
        counts = [f"{count:,}" for _, count in self.items]
        count_width = max(len(text) for text in counts)
        label_width = min(max(len(label) for label, _ in self.items), max(width // 3, 4))
        bar_width = max(width - label_width - count_width - 2, 1)
        largest = max(count for _, count in self.items)
        for (label, count), count_text in zip(self.items, counts, strict=True):
            # Any count but zero shows at least one block.
            length = max(round(bar_width * count / largest), 1) if count else 0
            line = Text(label, no_wrap=True)
            line.truncate(label_width, overflow="ellipsis", pad=True)
            line.append(" ")
            line.append(BLOCK * length, style=self.style)
            line.append(" " * (bar_width - length + 1 + count_width - len(count_text)) + count_text)
            yield line
        if self.hidden:
            yield Text(f"+{self.hidden} more", style="dim")


# Short lists ---------------------------------------------------------------------------------

# A list column: header, one cell per model, right-aligned or not.
Column = tuple[str, list[Text], bool]


class _ModelList:
    """Up to ``rows`` models as a table, and "+N more" when ``total`` is larger than what is shown.

    ``columns(lines, wide)`` gives the columns; the wide set is used when it leaves the model
    names MODEL_WIDTH columns, the narrow one otherwise.
    """

    def __init__(self, lines: Sequence[ModelLine], columns: Callable[[Sequence[ModelLine], bool], list[Column]], *,
                 rows: int, total: int | None = None) -> None:
        self.lines = lines[:rows]
        self.columns = columns
        self.more = max(total - len(self.lines), 0) if total is not None else 0

    @property
    def height(self) -> int:
        return 1 + len(self.lines) + (1 if self.more else 0) if self.lines else 1

    @property
    def others_width(self) -> int:
        """The narrow table's width without the model column (what the model names share)."""
        return _others_width(self.columns(self.lines, False))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.lines:
            yield _none()
            return
        columns = self.columns(self.lines, True)
        if _others_width(columns) + MODEL_WIDTH > options.max_width:
            columns = self.columns(self.lines, False)
        # One space between columns (right padding; none after the last).
        table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold", expand=True, padding=(0, 1, 0, 0))
        # The model's name takes what the other columns leave, cut with "…".
        table.add_column(columns[0][0], ratio=1, no_wrap=True, overflow="ellipsis", min_width=5)
        for header, _, right in columns[1:]:
            table.add_column(header, no_wrap=True, overflow="ellipsis", max_width=COLUMN_WIDTH,
                             justify="right" if right else "left")
        for row in zip(*(cells for _, cells, _ in columns), strict=True):
            table.add_row(*row)
        yield table
        if self.more:
            yield Text(f"+{self.more:,} more", style="dim")


def _others_width(columns: list[Column]) -> int:
    """The width of every column but the model's, each with the space before it."""
    return sum(
        1 + min(max([len(header), *(cell.cell_len for cell in cells)]), COLUMN_WIDTH)
        for header, cells, _ in columns[1:]
    )


def _names(lines: Sequence[ModelLine]) -> Column:
    return ("Model", [Text(plain(line.name)) for line in lines], False)


def _vendors(lines: Sequence[ModelLine]) -> Column:
    return ("Vendor", [Text(plain(line.vendor)) for line in lines], False)


def _tiers(lines: Sequence[ModelLine]) -> Column:
    return ("Risk", [tier_text(line.risk_tier, short=True) for line in lines], False)


def _recent_columns(lines: Sequence[ModelLine], wide: bool) -> list[Column]:
    added = ("Added", [Text(f"{line.added_on:%m-%d}") for line in lines], False)
    return [_names(lines), *([_vendors(lines)] if wide else []), _tiers(lines), added]


def _due(line: ModelLine) -> tuple[Text, Text]:
    due = line.due
    if due.overdue:
        return Text(f"{due.days_overdue}d"), Text("overdue", style="bold red")
    return Text("today" if due.due_today else f"{due.days}d"), Text("SOON", style="yellow")


def _due_columns(lines: Sequence[ModelLine], wide: bool) -> list[Column]:
    due = [_due(line) for line in lines]
    return [_names(lines), *([_vendors(lines)] if wide else []), _tiers(lines), ("Due", [d for d, _ in due], True),
            ("Status", [status for _, status in due], False)]


def _high_risk_columns(lines: Sequence[ModelLine], wide: bool) -> list[Column]:
    if not wide:
        return [_names(lines), _vendors(lines)]
    due = [Text(line.next_review_date.isoformat(), style="bold red" if line.overdue else "") for line in lines]
    return [_names(lines), _vendors(lines), _tiers(lines), ("Review due", due, False)]


# Compliance trend ----------------------------------------------------------------------------


class _Trend:
    """One line: "Compliance since 08-30 ▁▂▄▆█ latest 85.0% (range 78.0–86.0%)".

    A block per snapshot, from the lowest rate to the highest (the range says which), averaged in
    buckets when there are more snapshots than room. Call it only with at least one known rate.
    """

    def __init__(self, points: Sequence[TrendPoint]) -> None:
        self.points = points

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rates = [point.compliance_rate for point in self.points]
        known = [rate for rate in rates if rate is not None]
        low, high = min(known), max(known)
        label = f"Compliance since {self.points[0].day:%m-%d} "
        after = f" latest {percent(known[-1])}" + (f" (range {low:.1f}–{high:.1f}%)" if high != low else "")
        line = Text(label, style="bold")
        line.append(sparkline(rates, width=max(options.max_width - len(label) - len(after), 8)), style="green")
        line.append(after)
        line.truncate(options.max_width, overflow="ellipsis")
        yield line


def sparkline(rates: Sequence[float | None], *, width: int) -> str:
    """``rates`` (None: nothing evaluated that day, drawn as a space) in at most ``width`` blocks."""
    if len(rates) > width:
        buckets = [rates[i * len(rates) // width:(i + 1) * len(rates) // width] for i in range(width)]
        rates = [
            sum(known) / len(known) if (known := [rate for rate in bucket if rate is not None]) else None
            for bucket in buckets
        ]
    known = [rate for rate in rates if rate is not None]
    if not known:
        return " " * len(rates)
    low, high, top = min(known), max(known), len(SPARKS) - 1

    def spark(rate: float | None) -> str:
        if rate is None:
            return " "
        if high == low:
            # A flat line has no range to scale to: drawn at its height on a 0-100 scale.
            return SPARKS[round(top * rate / 100)]
        return SPARKS[round(top * (rate - low) / (high - low))]

    return "".join(spark(rate) for rate in rates)
