"""How validate and check print an evaluation: the report for people and the JSON for scripts.

Imported by the handlers when they run. A whole inventory is 100,000 results, so both outputs are
written line by line rather than built as rich renderables or one big JSON document:

- ``write_json`` writes exactly what ``print_json(evaluation.as_dict(results))`` would (the same
  bytes; a test holds it to that), from per-rule pieces encoded once;
- ``write_report`` writes "✗ FAIL name TIER" with a "• message" line per violation, "✓ PASS name
  TIER", then a rich summary panel (one small renderable).

Names and messages are printed as plain text: control characters are shown escaped, never sent to
the terminal, and nothing is read as console markup.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

from common.cli import Painter, make_console, plain
from common.text import escape_json

if TYPE_CHECKING:

    from compliance.engine import Evaluation, ModelResult
    from compliance.rules import Rule

# Results written per write() call.
CHUNK = 2000
SHORT_HASH = 12
_PLACEHOLDER = "\x00mltrack\x00"

_encode = json.JSONEncoder(ensure_ascii=False).encode


def result_word(result: ModelResult) -> str:
    """The "result" of a model in the JSON shape."""
    return ("pass" if result.passed else "fail") if result.evaluated else "not evaluated"


# JSON ----------------------------------------------------------------------------------------


def _violation_pieces(rule: Rule) -> tuple[str, str]:
    """A violation of ``rule`` as indented JSON at its place in the document, split where the
    message goes (everything else in a violation is the same for every model)."""
    from compliance.engine import Violation

    text = json.dumps(Violation(rule, _PLACEHOLDER).as_dict(), indent=2, ensure_ascii=False)
    before, after = text.replace("\n", "\n        ").split(_encode(_PLACEHOLDER))
    return "\n        " + before, after


def write_json(evaluation: Evaluation, results: Iterable[ModelResult], stream: IO[str] | None = None) -> None:
    """Write ``evaluation.as_dict(results)`` as ``print_json`` would, a chunk of results at a time."""
    target = stream or sys.stdout

    def write(piece: str) -> None:
        # As print_json: characters a terminal would act on become \u escapes.
        target.write(escape_json(piece))

    head = json.dumps(evaluation.as_dict(results=[]), indent=2, ensure_ascii=False)
    empty = '"models": []\n}'
    if not head.endswith(empty):  # the engine's shape changed: models must come last
        raise AssertionError("the evaluation JSON must end with its models")
    pieces = {rule.id: _violation_pieces(rule) for rule in evaluation.ruleset.rules}
    strings: dict[str, str] = {}

    def word(value: str) -> str:
        encoded = strings.get(value)
        if encoded is None:
            encoded = strings[value] = _encode(value)
        return encoded

    opening = head[: -len(empty)] + '"models": ['
    opened = False
    parts: list[str] = []

    def flush() -> None:
        nonlocal opened, parts
        write(("," if opened else opening) + ",".join(parts))
        opened, parts = True, []

    for result in results:
        violations = result.violations
        if violations:
            listed = ",".join(
                pieces[v.rule.id][0] + _encode(v.message) + pieces[v.rule.id][1] for v in violations
            )
            listed = f"[{listed}\n      ]"
        else:
            listed = "[]"
        parts.append(
            f'\n    {{\n      "model": {_encode(result.model_name)},\n      "risk_tier": {word(result.risk_tier)},'
            f'\n      "status": {word(result.status)},\n      "result": {word(result_word(result))},'
            f'\n      "violations": {listed}\n    }}'
        )
        if len(parts) == CHUNK:
            flush()
    if parts:
        flush()
    write("\n  ]\n}\n" if opened else head + "\n")


# Text report ---------------------------------------------------------------------------------


def write_report(evaluation: Evaluation, results: Iterable[ModelResult], *, total: int, what: str) -> None:
    """The PASS/FAIL listing, then the summary panel."""
    from common.cli.styles import RISK_STYLES

    console = make_console()
    paint = Painter(console)
    out = console.file
    summary = evaluation.summary
    shown = max(summary.evaluated, 1) if what == "model" else summary.evaluated
    noun = what if shown != 1 else what.removesuffix("s")
    out.write(paint(f"Validating {shown:,} {noun}", "bold") + "\n\n")
    fail, ok = paint("✗ FAIL", "bold red"), paint("✓ PASS", "green")
    tiers = {tier: paint(tier.upper(), style) for tier, style in RISK_STYLES.items()}
    bullet = "  • "
    rule_tags = {rule.id: paint(f"[{rule.id}]", "dim") for rule in evaluation.ruleset.rules}
    lines: list[str] = []
    ends_blank = True  # whether what was written so far ends with a blank line
    for result in results:
        tier = tiers.get(result.risk_tier) or plain(result.risk_tier.upper())
        name = plain(result.model_name)
        if not result.evaluated:
            lines.append(f"{paint('– NOT EVALUATED', 'dim')} {name} {tier}  "
                         f"({plain(result.status)} and not in production: retired, not counted)\n")
        elif result.passed:
            lines.append(f"{ok} {name} {tier}\n")
        else:
            lines.append(f"{fail} {name} {tier}\n")
            for violation in result.violations:
                lines.append(f"{bullet}{plain(violation.message)}  {rule_tags[violation.rule.id]}\n")
            lines.append("\n")
        if len(lines) >= CHUNK:
            out.write("".join(lines))
            ends_blank, lines = lines[-1] == "\n", []
    if lines:
        ends_blank = lines[-1] == "\n"
    if not ends_blank:
        lines.append("\n")
    out.write("".join(lines))
    out.flush()
    console.print(summary_panel(evaluation, total=total))


def summary_panel(evaluation: Evaluation, *, total: int):
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    summary = evaluation.summary
    grid = Table.grid(padding=(0, 3))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    retired = total - summary.evaluated
    rate = "n/a (nothing evaluated)" if summary.compliance_rate is None else f"{summary.compliance_rate:.1f}%"
    rows = [("Total Models", f"{total:,}")]
    if retired > 0:
        rows.append(("Retired (not counted)", f"{retired:,}"))
    rows += [
        ("Evaluated", f"{summary.evaluated:,}"),
        ("Passed", f"{summary.passed:,}"),
        ("Failed", f"{summary.failed:,}"),
        ("Compliance Rate", rate),
    ]
    for label, value in rows:
        grid.add_row(label, value)
    broken = [(rule_id, count) for rule_id, count in summary.violations_by_rule.items() if count]
    if broken:
        grid.add_row("", "")
        grid.add_row("Violations by rule", "")
        for rule_id, count in broken:
            grid.add_row(Text(f"  {rule_id}", style="none"), f"{count:,}")
    ruleset = evaluation.ruleset
    grid.add_row("", "")
    grid.add_row("Ruleset", f"{ruleset.version} ({ruleset.content_hash[:SHORT_HASH]})")
    grid.add_row("As of", evaluation.as_of.isoformat())
    if summary.failed:
        title, style = "NEEDS ATTENTION", "red"
    elif summary.evaluated:
        title, style = "ALL COMPLIANT", "green"
    else:
        title, style = "NOTHING EVALUATED", "dim"
    return Panel(grid, title=Text(title, style=f"bold {style}"), border_style=style, expand=False)
