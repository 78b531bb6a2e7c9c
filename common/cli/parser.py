"""Building verbs: every verb takes --user and runs a handler that returns the exit code."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from common.cli.errors import CLIError

ErrorWriter = Callable[["CLIError", argparse.Namespace], None]


def user_option() -> argparse.ArgumentParser:
    """A parent parser with --user, so that it is also accepted after the verb.

    SUPPRESS keeps a value given before the verb (the top-level parser has --user too).
    """
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--user", metavar="NAME", default=argparse.SUPPRESS, help="act for this user account (or set MLTRACK_USER)"
    )
    return parent


def add_verb(
    subparsers: argparse._SubParsersAction,
    name: str,
    handler: Callable[[argparse.Namespace], int],
    *,
    error_writer: ErrorWriter | None = None,
    **kwargs: Any,
) -> argparse.ArgumentParser:
    """Add a verb that takes --user and runs ``handler(args)`` (which returns the exit code).

    The handler raises CLIError for what it expects to go wrong; the entry point reports it, as a
    JSON error object when the verb has ``--json`` and it was given, else as text on stderr. A verb
    whose output formats are its own (check's SARIF) passes ``error_writer(error, args)``.

    ``kwargs`` go to ``add_parser`` (``help``, ``description``, ...). The parser is returned for the
    verb's own arguments.
    """
    parser = subparsers.add_parser(name, parents=[user_option()], **kwargs)
    parser.set_defaults(handler=handler, verb_parser=parser, error_writer=error_writer)
    return parser


def positive_int(text: str) -> int:
    """An argparse ``type``: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is less than 1")
    return value


def positive_int_up_to(maximum: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from 1 to ``maximum``."""

    def parse(text: str) -> int:
        value = positive_int(text)
        if value > maximum:
            raise argparse.ArgumentTypeError(f"{value} is more than the maximum of {maximum}")
        return value

    return parse
