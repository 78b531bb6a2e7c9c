"""Dates people type: written YYYY-MM-DD and nothing else, within a range that date arithmetic
(a review cycle of up to ten years added to a deployment date) can never overflow.

Python's ``date.fromisoformat`` also reads "20250102" and Django's form parsing reads "2025-1-2";
both are refused here, so a date means the same thing on every path (forms, CLI, import, API).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

from common.text import escape_line

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

FORMAT_CODE = "date_format"
RANGE_CODE = "date_range"
FORMAT_MESSAGE = "{label} must be a date written YYYY-MM-DD, e.g. 2026-01-31, got \"{value}\"."
NO_SUCH_DAY_MESSAGE = "{label} must be a real day of the calendar (YYYY-MM-DD), got {value}."
RANGE_MESSAGE = "{label} must be between {earliest} and {latest} (YYYY-MM-DD), got {value}."


def check_range(value: dt.date, *, label: str) -> dt.date:
    """``value`` when it lies between EARLIEST and LATEST; ValidationError naming the field otherwise."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not EARLIEST <= value <= LATEST:
        raise ValidationError(
            RANGE_MESSAGE.format(label=label, earliest=EARLIEST.isoformat(), latest=LATEST.isoformat(),
                                 value=value.isoformat()),
            code=RANGE_CODE,
        )
    return value


def parse_date(value: str | dt.date, *, label: str) -> dt.date:
    """A date from its YYYY-MM-DD text (surrounding spaces allowed), or a date checked for range.

    Raises ValidationError naming the field and what it expects: the format, a day that exists,
    the range.
    """
    if isinstance(value, dt.date):
        return check_range(value, label=label)
    text = value.strip()
    if not ISO_DATE.fullmatch(text):
        raise ValidationError(FORMAT_MESSAGE.format(label=label, value=escape_line(text)), code=FORMAT_CODE)
    try:
        # The text is exactly YYYY-MM-DD here, which fromisoformat reads as the same day.
        date = dt.date.fromisoformat(text)  # year 0, month 13, February 30: no such day
    except ValueError:
        raise ValidationError(NO_SUCH_DAY_MESSAGE.format(label=label, value=text), code=FORMAT_CODE) from None
    return check_range(date, label=label)
