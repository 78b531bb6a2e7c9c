"""The kit every app's ``mltrack`` verbs are built with: exit codes, CLIError and its codes
(errors), verbs that take --user (parser), who the CLI acts for (actor), and printing, errors
included (output).

Importing it imports nothing from Django or rich; each helper imports what it needs when it runs,
after ``django.setup()``. A verb module uses it like this::

    from common.cli import EXIT_OK, add_verb, resolve_actor

    def register(subparsers):
        verb = add_verb(subparsers, "frobnicate", handle_frobnicate, help="...", description="...")
        verb.add_argument("name", metavar="NAME", help="model name (any case)")
"""

from __future__ import annotations

from common.cli.actor import CLIActor, os_login, resolve_actor
from common.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CLIError, usage_error
from common.cli.output import (
    Painter,
    fail_validation,
    field_errors,
    make_console,
    plain,
    print_json,
    report_error,
    write_error_json,
    write_error_text,
)
from common.cli.parser import add_verb, positive_int, positive_int_up_to, user_option

__all__ = [
    "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "CLIError", "usage_error", "add_verb", "user_option", "positive_int",
    "positive_int_up_to", "CLIActor", "os_login", "resolve_actor", "fail_validation", "field_errors",
    "make_console", "print_json", "plain", "Painter", "report_error", "write_error_json", "write_error_text",
    "installed_version",
]


def installed_version() -> str:
    """MLTrack's version. The package's metadata reads it from ``common.__version__`` (see
    pyproject.toml), so this answers without scanning the installed distributions."""
    from common import __version__

    return __version__
