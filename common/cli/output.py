"""Printing for every verb: a console for people, JSON for scripts, field errors, errors (as text
or as a JSON error object), and text that can never drive the terminal.

Stored text is other people's input, so nothing printed here can drive the terminal or pose as
something else: the console reads no markup or emoji codes in strings ("[red]" prints as typed)
and escapes every control, invisible and bidirectional character in what it renders ("\x1b",
"\u202e"; line breaks stay), JSON and error text get the same treatment, and ``plain`` escapes a
single-line value before it is laid out (its newlines too). The rules are common.text's.
"""

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
# Painter's stand-in for the text it styles: a private-use character the console leaves alone.
_PLACEHOLDER = "\ue000"
_safe_console_class: type | None = None


def _console_class() -> type:
    """rich's Console, made safe for other people's text (built once, on first use: rich loads late)."""
    global _safe_console_class
    if _safe_console_class is None:
        from rich.console import Console
        from rich.segment import Segment

        from common.text import REFUSED_IN_TEXT, escape_text

        class SafeConsole(Console):
            """Escapes every control, invisible and bidirectional character in the text it renders;
            rich's own control codes (cursor moves, styles) are not text and pass as they are."""

            def render(self, renderable, options=None):
                for segment in super().render(renderable, options):
                    if segment.control is None and REFUSED_IN_TEXT.search(segment.text):
                        segment = Segment(escape_text(segment.text), segment.style)
                    yield segment

            def on_broken_pipe(self) -> None:
                # rich exits with status 1 when the reader goes away; the entry point decides
                # (mltrack list | head is not an error), so let the pipe's error reach it.
                self.quiet = True
                raise BrokenPipeError

        _safe_console_class = SafeConsole
    return _safe_console_class


def make_console(*, stderr: bool = False) -> Console:
    """A rich console for stdout (or stderr); unwrapped and without colour when not a terminal.

    Strings are printed as written (no markup, no emoji codes, no highlighting) and text never
    reaches the terminal with a control character in it; style with ``Text`` and its styles.
    """
    # Created per command so that it writes to whatever sys.stdout/sys.stderr are at the time.
    console = _console_class()(stderr=stderr, highlight=False, markup=False, emoji=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = UNWRAPPED_WIDTH
    return console


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout, non-ASCII as itself (but never a character a
    terminal would act on: those are \\u escapes, the same JSON value)."""
    import json

    from common.text import escape_json

    # Plain stdout, not rich: scripts parse this, so no highlighting and no wrapping.
    sys.stdout.write(escape_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def write_error_text(error: CLIError) -> None:
    """The message on stderr; after the verb's usage line and "mltrack VERB: error:" for a usage
    problem, exactly as argparse reports its own. Control characters in it are shown escaped."""
    from common.text import escape_text

    message = escape_text(error.message)
    if error.usage is not None:
        error.usage.print_usage(sys.stderr)
        sys.stderr.write(f"{error.usage.prog}: error: {message}\n")
    else:
        sys.stderr.write(f"{message}\n")


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
    """A single-line value (a name, a vendor) safe to lay out or write straight to a terminal: every
    control, invisible and bidirectional character escaped, line breaks included."""
    from common.text import escape_line

    return escape_line(text)


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
                self.console.print(Text(_PLACEHOLDER, style=style), end="")
            rendered = capture.get()
            codes = ("", "")
            if _PLACEHOLDER in rendered:
                codes = tuple(rendered.split(_PLACEHOLDER, 1))
            self._codes[style] = codes
        return f"{codes[0]}{text}{codes[1]}"


def silence_stdout() -> None:
    """Point stdout at the null device once its reader has gone (mltrack list | head), so that
    flushing it at exit raises nothing more."""
    import contextlib
    import io
    import os
    import sys

    # Best effort: stdout may be a stream without a file descriptor (tests capture it in memory).
    with contextlib.suppress(AttributeError, ValueError, OSError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
