"""Formula injection, made inert on export and undone on import.

A spreadsheet runs a cell that starts with = + - or @ as a formula (the reports' rule,
reports.formats.neutralise); a leading apostrophe makes it text. To come back exactly, the export
also marks a cell that itself starts with an apostrophe, and the import takes one apostrophe off
a cell only where the export would have put it: before one of those characters or before another
apostrophe. A name such as "'quoted" typed in a spreadsheet keeps its apostrophe.
"""

from __future__ import annotations

# The characters a spreadsheet reads as the start of a formula, as the reports define them (a tab
# or carriage return at the start is trimmed from every imported value).
from reports.formats import FORMULA_TRIGGERS

MARK = "'"


def neutralise(value: str) -> str:
    """A text cell as exported: inert in a spreadsheet, and reversible by ``restore``."""
    if value.startswith(FORMULA_TRIGGERS) or value.startswith(MARK):
        return MARK + value
    return value


def restore(value: str) -> str:
    """An imported text cell with the export's mark taken off (see the module's docstring)."""
    if value.startswith(MARK) and value[1:2] and (value[1] == MARK or value[1] in FORMULA_TRIGGERS):
        return value[1:]
    return value
