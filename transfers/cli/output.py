"""How mltrack import and export report: a progress bar on a terminal, the outcome's summary, every
problem and notice with its file, row and column, or the outcome as JSON. Text from the file is
escaped before it is printed (common.cli.output)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from common.cli import EXIT_FAILED, make_console, print_json
from transfers.importing import Outcome
from transfers.tables import FORMAT_LABELS, FileRefused


# Skipped models are listed up to this many; a re-import of a large file would list every row.
SHOWN_SKIPS = 20
SKIPPED_PREFIX = "Skipped: "


@contextmanager
def progress_bar(*, enabled: bool) -> Iterator:
    """A progress callback (done, total, stage) drawing a bar on stderr when it is a terminal, else None."""
    console = make_console(stderr=True)
    if not enabled or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("Reading", total=None)

        def update(done: int, total: int, stage: str) -> None:
            bar.update(task, completed=done, total=max(total, done), description=stage)

        yield update


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def summary(outcome: Outcome) -> str:
    parts = [f"{outcome.created:,} added" if outcome.written else f"{outcome.created:,} to add"]
    if outcome.options.update:
        parts.append(f"{outcome.updated:,} updated" if outcome.written else f"{outcome.updated:,} to update")
        parts.append(f"{outcome.unchanged:,} unchanged")
    if outcome.skipped:
        parts.append(f"{outcome.skipped:,} skipped (already in the inventory)")
    if outcome.reviews or outcome.reviews_skipped:
        parts.append(f"{_plural(outcome.reviews, 'review record')} {'recorded' if outcome.written else 'to record'}")
    if outcome.reviews_skipped:
        parts.append(f"{outcome.reviews_skipped:,} review(s) already recorded or skipped")
    return " · ".join(parts)


def _verdict(outcome: Outcome) -> str:
    if outcome.written:
        if outcome.problems:
            return (f"Imported the rows without problems; {_plural(outcome.failed, 'row')} with problems "
                    "were not imported (listed above).")
        return "Imported."
    if outcome.options.validate:
        return ("Dry run: nothing was written. " + ("Every row can be imported." if outcome.ok else
                f"{_plural(outcome.failed, 'row')} would not be imported."))
    return (f"Nothing was written: {_plural(outcome.failed, 'row')} ha{'s' if outcome.failed == 1 else 've'} problems, "
            "and an import is all or nothing. Fix them, or import with --continue-on-error to import the rest.")


def print_outcome(outcome: Outcome, args: argparse.Namespace) -> None:
    if args.json:
        data = outcome.as_dict()
        for key, items in (("problems", outcome.problems), ("notices", outcome.notices)):
            for entry, problem in zip(data[key], items):
                entry["where"] = problem.where(outcome.file)
        print_json(data)
        return
    out = make_console()
    from rich.text import Text

    mode = "Checked" if outcome.options.validate else "Read"
    label = FORMAT_LABELS[outcome.format]
    out.print(Text(f"{mode} {outcome.file} ({label}): {_plural(outcome.rows, 'row')} of models.", style="bold"))
    out.print(Text("  " + summary(outcome)))
    if outcome.notices:
        out.print(Text(f"Notices ({len(outcome.notices):,}):", style="bold yellow"))
        skips = 0
        for notice in outcome.notices:
            if notice.message.startswith(SKIPPED_PREFIX):
                skips += 1
                if skips > SHOWN_SKIPS:
                    continue
            out.print(Text(f"  ! {notice.describe(outcome.file)}"))
        if skips > SHOWN_SKIPS:
            out.print(Text(f"  ! ... and {skips - SHOWN_SKIPS:,} more rows skipped as already in the inventory "
                           "(--json lists every one)."))
    if outcome.problems:
        out.print(Text(f"Problems ({_plural(len(outcome.problems), 'problem')} in {_plural(outcome.failed, 'row')}):",
                       style="bold red"))
        for problem in outcome.problems:
            out.print(Text(f"  • {problem.describe(outcome.file)}"))
    style = "bold green" if outcome.ok else "bold red"
    out.print(Text(_verdict(outcome), style=style))


def print_refusal(error: FileRefused, name: str, args: argparse.Namespace) -> int:
    """The reasons a whole file was refused (nothing was written); returns the exit code."""
    lines = [problem.describe(name) if problem.row is not None or problem.column else
             f"{name}: {problem.message}" for problem in error.problems]
    if args.json:
        print_json({"error": {"code": "file_refused", "message": f"{name} was not imported; nothing was written.",
                              "suggestions": [], "problems": [dict(p.as_dict(), where=p.where(name))
                                                              for p in error.problems]}})
        return EXIT_FAILED
    err = make_console(stderr=True)
    from rich.text import Text

    err.print(Text(f"{name} was not imported; nothing was written:", style="bold red"))
    for line in lines:
        err.print(Text(f"  • {line}"))
    return EXIT_FAILED
