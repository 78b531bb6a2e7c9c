"""Printing for every verb: a console for people, JSON for scripts, field errors, errors (as text
or as a JSON error object), and text that can never drive the terminal (control characters are
shown escaped)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from common.cli.errors import EXIT_FAILED, CLIError

if TYPE_CHECKING:
    import argparse

    from rich.console import Console, Group

# Without a terminal (a pipe, a file, a CI log) lines are not wrapped to rich's default 80 columns.
UNWRAPPED_WIDTH = 200
# C0 and C1 control characters (and DEL) are written escaped: "\x1b" rather than an escape sequence.
CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}


def make_console(*, stderr: bool = False) -> Console:
    """A rich console for stdout (or stderr); unwrapped and without colour when not a terminal."""
    from rich.console import Console

    # Created per command so that it writes to whatever sys.stdout/sys.stderr are at the time.
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = UNWRAPPED_WIDTH
    return console


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout, non-ASCII as itself."""
    import json

    # Plain stdout, not rich: scripts parse this, so no highlighting and no wrapping.
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_error_text(error: CLIError) -> None:
    """The message on stderr; after the verb's usage line and "mltrack VERB: error:" for a usage
    problem, exactly as argparse reports its own."""
    if error.usage is not None:
        error.usage.print_usage(sys.stderr)
        sys.stderr.write(f"{error.usage.prog}: error: {error.message}\n")
    else:
        sys.stderr.write(f"{error.message}\n")


def write_error_json(error: CLIError) -> None:
    """The JSON error object on stdout, where a script reading the verb's JSON looks."""
    print_json(error.as_dict())


def write_error(error: CLIError, args: argparse.Namespace | None) -> None:
    """How a verb reports an error unless it says otherwise (``add_verb(error_writer=...)``): the
    JSON error object when given --json, else text."""
    if getattr(args, "json", False):
        write_error_json(error)
    else:
        write_error_text(error)


def report_error(error: CLIError, args: argparse.Namespace | None) -> int:
    """Report ``error`` the way the verb's output asks for, once for every verb; return its exit code.

    ``args`` is None when the arguments could not be parsed.
    """
    writer = getattr(args, "error_writer", None) or write_error
    writer(error, args)
    return error.exit_code


def field_errors(title: str, errors: Mapping[str, Sequence[str]], labels: Mapping[str, str]) -> Group:
    """A validation failure, one line per message, each naming the flag/field it is about.

    A field missing from ``labels`` is named as is; ``__all__`` (whole-object errors) is not named.
    """
    from rich.console import Group
    from rich.text import Text

    lines = [Text(title, style="bold red")]
    for field, messages in errors.items():
        where = labels.get(field, "" if field == "__all__" else field)
        for message in messages:
            line = Text("  • ")
            if where:
                line.append(where, style="bold")
                line.append(": ")
            line.append(message)
            lines.append(line)
    return Group(*lines)


def fail_validation(
    console: Console,
    title: str,
    errors: Mapping[str, list[str]],
    *,
    order: Iterable[str] = (),
    label: Callable[[str], str] | None = None,
) -> int:
    """Print "<title>: N problems. Nothing was saved." and each field's messages; return EXIT_FAILED.

    ``errors`` is a ValidationError's ``message_dict``. Fields come in ``order`` first, then the
    rest; ``label(field)`` names each (say, its flag), default the field name.
    """
    order = list(order)
    keys = [f for f in order if f in errors] + [f for f in errors if f not in order]
    errors = {key: list(errors[key]) for key in keys}
    labels = {field: label(field) for field in errors} if label is not None else {}
    count = sum(len(m) for m in errors.values())
    heading = f"{title}: {count} problem{'s' if count != 1 else ''}. Nothing was saved."
    console.print(field_errors(heading, errors, labels))
    return EXIT_FAILED


def plain(text: str) -> str:
    """``text`` with control characters escaped, safe to write straight to a terminal."""
    return text.translate(CONTROL)


class Painter:
    """Styles for lines written straight to the console's file: the escape codes rich would use,
    worked out once per style (none without a terminal)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._codes: dict[str, tuple[str, str]] = {}

    def __call__(self, text: str, style: str) -> str:
        codes = self._codes.get(style)
        if codes is None:
            from rich.text import Text

            with self.console.capture() as capture:
                self.console.print(Text("\x00", style=style), end="")
            rendered = capture.get()
            codes = self._codes[style] = tuple(rendered.split("\x00", 1)) if "\x00" in rendered else ("", "")
        return f"{codes[0]}{text}{codes[1]}"
