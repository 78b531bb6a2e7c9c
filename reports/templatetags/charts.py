"""Charts drawn on the server as inline SVG: no chart library, nothing fetched by the browser.

Each chart is one ``<svg role="img">`` whose ``<title>`` names it and whose ``<desc>`` states
every number it draws, so a screen reader gets the data and the picture is only a picture. The
templates show the same numbers as text (and links) beside the chart. Colours come from CSS
classes (static/css/dashboard.css), so the charts follow the console's palette.

Geometry is in viewBox units; the SVG scales to its container's width.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Horizontal bars: label column, bar area and value column widths, and one row's height.
BAR_LABEL_WIDTH = 136
# Between a label's column and its bar: a label that is wider than its column is clipped here,
# never drawn over the bar.
BAR_LABEL_GAP = 8
BAR_AREA_WIDTH = 150
BAR_VALUE_WIDTH = 52
BAR_ROW_HEIGHT = 26
BAR_THICKNESS = 14
# Labels longer than this are cut with an ellipsis in the picture (the full text is in <desc> and
# in each label's tooltip).
BAR_LABEL_CHARACTERS = 18

# Trend chart frame.
TREND_WIDTH = 600
TREND_HEIGHT = 200
TREND_MARGIN = {"top": 12, "right": 16, "bottom": 26, "left": 42}
TREND_GRID = (0, 25, 50, 75, 100)
# With more snapshots than this, the line carries no dots (they would merge into it).
TREND_DOTS_UP_TO = 31


class Counted(Protocol):
    key: str
    label: str
    count: int


class Dated(Protocol):
    day: dt.date
    compliance_rate: float | None


def _number(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _short(label: str) -> str:
    return label if len(label) <= BAR_LABEL_CHARACTERS else label[: BAR_LABEL_CHARACTERS - 1] + "…"


def _svg(*, css_class: str, width: int, height: int, title: str, desc: str, body: Iterable[str]) -> SafeString:
    # The title child names the image (no aria-labelledby: that would make the chart a "label"
    # of itself for tools that look up form fields by label text).
    return mark_safe(
        f'<svg class="chart {css_class}" role="img" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(body)}</svg>"
    )


def _text(css_class: str, x: float, y: float, content: str, *, tooltip: str = "", **attributes: str) -> str:
    """A text element; ``content`` and ``tooltip`` (a <title> child) are escaped here, attribute
    names use - for _."""
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    title = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    return f'<text class="{css_class}" x="{_number(x)}" y="{_number(y)}"{extra}>{title}{escape(content)}</text>'


@register.simple_tag
def bar_chart(items: Sequence[Counted], *, title: str, tone: str = "default", unit: str = "model") -> SafeString:
    """Horizontal bars, one per item (label, bar, count), scaled to the largest count.

    ``tone`` picks the colour family: "tier", "environment" and "age" colour each bar by its
    item's key; anything else draws every bar in the one default colour.
    """
    items = list(items)
    largest = max((item.count for item in items), default=0)
    height = max(len(items), 1) * BAR_ROW_HEIGHT
    # The labels sit in a nested viewport of their own, which clips whatever would reach the bars.
    labels: list[str] = [f'<svg class="bar-labels" x="0" y="0" width="{BAR_LABEL_WIDTH - BAR_LABEL_GAP}" '
                         f'height="{height}">']
    body: list[str] = []
    for row, item in enumerate(items):
        middle = row * BAR_ROW_HEIGHT + BAR_ROW_HEIGHT / 2
        top = _number(middle - BAR_THICKNESS / 2)
        labels.append(_text("chart__label", 0, middle, _short(item.label), dominant_baseline="middle",
                            tooltip=item.label))
        length = BAR_AREA_WIDTH * item.count / largest if largest else 0
        # A non-zero count always shows at least a sliver, so "1 of 10,000" is not drawn as nothing.
        if item.count and length < 2:
            length = 2
        colour = f"chart__bar--{escape(tone)} chart__bar--{escape(tone)}-{escape(item.key or 'unset')}"
        body.append(
            '<g class="chart__row">'
            f'<rect class="chart__track" x="{BAR_LABEL_WIDTH}" y="{top}" width="{BAR_AREA_WIDTH}" '
            f'height="{BAR_THICKNESS}" rx="2"/>'
            f'<rect class="chart__bar {colour}" x="{BAR_LABEL_WIDTH}" y="{top}" width="{_number(length)}" '
            f'height="{BAR_THICKNESS}" rx="2"/>'
            + _text("chart__value", BAR_LABEL_WIDTH + BAR_AREA_WIDTH + 8, middle, str(item.count),
                    dominant_baseline="middle")
            + "</g>"
        )
    if items:
        total = sum(item.count for item in items)
        desc = "; ".join(f"{item.label}: {_plural(item.count, unit)}" for item in items) + f". Total {total}."
    else:
        desc = "Nothing to show."
    labels.append("</svg>")
    return _svg(
        css_class="chart--bars", width=BAR_LABEL_WIDTH + BAR_AREA_WIDTH + BAR_VALUE_WIDTH,
        height=height, title=title, desc=desc, body=[*labels, *body],
    )


@register.simple_tag
def compliance_donut(*, passed: int, evaluated: int, rate: float | None, title: str = "Compliance rate") -> SafeString:
    """A ring split into passing (green) and failing (red) models, "passed/evaluated" in its middle
    (the rate itself is printed beside the chart, as a link)."""
    size, radius, stroke = 120, 48, 14
    centre = _number(size / 2)
    circumference = 2 * math.pi * radius
    passing = circumference * passed / evaluated if evaluated else 0
    circle = f'cx="{centre}" cy="{centre}" r="{radius}" fill="none" stroke-width="{stroke}"'
    body = [f'<circle class="chart__ring chart__ring--{"failed" if evaluated else "empty"}" {circle}/>']
    if passing:
        # The arc starts at twelve o'clock and runs clockwise.
        body.append(
            f'<circle class="chart__ring chart__ring--passed" {circle} '
            f'stroke-dasharray="{_number(passing)} {_number(circumference)}" '
            f'transform="rotate(-90 {centre} {centre})"/>'
        )
    middle = f"{passed}/{evaluated}"
    size_class = "" if len(middle) <= 5 else " chart__big--long" if len(middle) <= 9 else " chart__big--longer"
    body.append(_text(f"chart__big{size_class}", size / 2, size / 2 - 4, middle,
                      text_anchor="middle", dominant_baseline="middle"))
    body.append(_text("chart__small", size / 2, size / 2 + 18, "pass",
                      text_anchor="middle", dominant_baseline="middle"))
    if evaluated:
        failed = evaluated - passed
        desc = f"{rate}% compliant: {passed} of {_plural(evaluated, 'evaluated model')} pass, {failed} fail."
    else:
        desc = "No evaluated model, so no compliance rate."
    return _svg(css_class="chart--donut", width=size, height=size, title=title, desc=desc, body=body)


def _runs(points: Sequence[Dated]) -> list[list[Dated]]:
    """Consecutive points that have a rate; a day without one (nothing evaluated) breaks the line."""
    runs: list[list[Dated]] = [[]]
    for point in points:
        if point.compliance_rate is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


@register.simple_tag
def trend_chart(points: Sequence[Dated], *, title: str = "Compliance rate over time") -> SafeString:
    """The compliance rate by day: a line over a 0–100 % grid, dates along the bottom.

    Days are placed by date, so a gap in the snapshots shows as a gap in time, not a squeeze.
    """
    points = list(points)
    left, right = TREND_MARGIN["left"], TREND_WIDTH - TREND_MARGIN["right"]
    top, bottom = TREND_MARGIN["top"], TREND_HEIGHT - TREND_MARGIN["bottom"]
    first_day = points[0].day if points else None
    span = (points[-1].day - first_day).days if points else 0

    def x_of(day: dt.date) -> float:
        return right if not span else left + (right - left) * (day - first_day).days / span

    def y_of(rate: float) -> float:
        return bottom - (bottom - top) * rate / 100

    body: list[str] = []
    for value in TREND_GRID:
        body.append(f'<line class="chart__grid" x1="{left}" x2="{right}" y1="{_number(y_of(value))}" '
                    f'y2="{_number(y_of(value))}"/>')
        body.append(_text("chart__axis", left - 6, y_of(value), f"{value}%", text_anchor="end",
                          dominant_baseline="middle"))
    if not points:
        return _svg(css_class="chart--trend", width=TREND_WIDTH, height=TREND_HEIGHT, title=title,
                    desc="No snapshot yet.", body=body)

    last_day = points[-1].day
    labelled = [first_day, last_day] if span else [last_day]
    if span >= 20:
        labelled.insert(1, first_day + dt.timedelta(days=span // 2))
    for index, day in enumerate(labelled):
        anchor = "start" if index == 0 and span else "end" if day == last_day else "middle"
        body.append(_text("chart__axis", x_of(day), TREND_HEIGHT - 6, day.isoformat(), text_anchor=anchor))
    for run in _runs(points):
        coordinates = " ".join(f"{_number(x_of(p.day))},{_number(y_of(p.compliance_rate))}" for p in run)
        if len(run) > 1:
            area = f"{_number(x_of(run[0].day))},{bottom} {coordinates} {_number(x_of(run[-1].day))},{bottom}"
            body.append(f'<polygon class="chart__area" points="{area}"/>')
            body.append(f'<polyline class="chart__line" points="{coordinates}" fill="none"/>')
        if len(points) <= TREND_DOTS_UP_TO or len(run) == 1:
            body.extend(
                f'<circle class="chart__dot" cx="{_number(x_of(p.day))}" cy="{_number(y_of(p.compliance_rate))}" '
                f'r="3"/>'
                for p in run
            )
    rated = [point for point in points if point.compliance_rate is not None]
    if rated:
        last = rated[-1]
        lx, ly = x_of(last.day), y_of(last.compliance_rate)
        body.append(f'<circle class="chart__dot chart__dot--last" cx="{_number(lx)}" cy="{_number(ly)}" r="4.5"/>')
        # The latest rate beside its point: above it, unless that would leave the frame.
        body.append(_text("chart__point-label", lx - 8, ly - 10 if ly > top + 16 else ly + 16,
                          f"{last.compliance_rate}%", text_anchor="end"))
    return _svg(css_class="chart--trend", width=TREND_WIDTH, height=TREND_HEIGHT, title=title,
                desc=_trend_description(points, rated), body=body)


def _trend_description(points: list[Any], rated: list[Any]) -> str:
    snapshots = _plural(len(points), "daily snapshot")
    if not rated:
        return f"{snapshots}, none with an evaluated model."
    first, last = rated[0], rated[-1]
    low = min(rated, key=lambda point: point.compliance_rate)
    high = max(rated, key=lambda point: point.compliance_rate)

    def at(point: Any) -> str:
        return f"{point.compliance_rate}% on {point.day.isoformat()}"

    return (
        f"{snapshots} from {points[0].day.isoformat()} to {points[-1].day.isoformat()}. "
        f"{at(first)}, {at(last)}; lowest {at(low)}, highest {at(high)}."
    )
