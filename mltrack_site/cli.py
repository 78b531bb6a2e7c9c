"""The ``mltrack`` command line: one parser for every app's verbs, then Django, then the verb.

The parser is built without touching Django models, so ``mltrack --version``, ``--help`` and
usage errors answer at once and need no database. Each app adds its verbs with
``<app>.cli.register(subparsers)``; see docs/cli.md.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence

from api import cli as api_cli
from cards import cli as cards_cli
from common.cli import EXIT_OK, EXIT_USAGE, CLIError, installed_version, report_error
from common.cli.errors import CONFIGURATION, DATABASE, INVALID_VALUE, PERMISSION_DENIED
from common.cli.remote import wants_remote
from compliance import cli as compliance_cli
from inventory import cli as inventory_cli
from packages import cli as packages_cli
from registries import cli as registries_cli
from reports import cli as reports_cli
from reviews import cli as reviews_cli
from transfers import cli as transfers_cli

INTERRUPTED_EXIT = 130
DATABASE_MESSAGE = (
    "The database could not answer: {error}. If it is new, create its tables with: python manage.py migrate"
)
CONFIGURATION_MESSAGE = "Configuration error: {error}"
NOT_UTF8_MESSAGE = (
    "The command line must be UTF-8 text: argument {position} ({shown}) has bytes that are not. "
    "Check the terminal's or the script's encoding."
)
# Python hands undecodable command-line bytes over as lone surrogates, which no database, terminal
# or log can take.
UNDECODABLE = re.compile("[\ud800-\udfff]")
CLI_ONLY_MESSAGE = (
    "mltrack {verb} works on the database, which needs MLTrack's full installation (pip install -r "
    "requirements.txt). This installation has the command line alone: it answers check and validate "
    "against a server (--url, see docs/ci.md)."
)


class VersionAction(argparse.Action):
    """Like argparse's "version" action, but reads the version only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        sys.stdout.write(f"mltrack {installed_version()}\n")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mltrack",
        description="MLTrack: the inventory of AI/ML models under governance.",
        epilog="Exit codes: 0 success, 1 failed validation / not found / permission denied, 2 usage error. "
        "See docs/cli.md.",
    )
    parser.add_argument("--version", action=VersionAction, help="print the version and exit")
    parser.add_argument(
        "--user",
        metavar="NAME",
        default=None,
        help="act for this user account, whose role decides what is allowed (default: $MLTRACK_USER, "
        "else the account named like your login, else a local operator)",
    )
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    inventory_cli.register(subparsers)
    reviews_cli.register(subparsers)
    compliance_cli.register(subparsers)
    reports_cli.register(subparsers)
    cards_cli.register(subparsers)
    packages_cli.register(subparsers)
    api_cli.register(subparsers)
    transfers_cli.register(subparsers)
    registries_cli.register(subparsers)
    return parser


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltrack_site.settings")
    import django

    django.setup()
    from common.folders import make_runtime_folders

    make_runtime_folders()  # the SQLite database's folder, on a fresh checkout


def run(args: argparse.Namespace) -> int:
    """Set up Django and run the verb's handler; what Django itself refuses becomes a CLIError."""
    if wants_remote(args):
        # Remote mode asks a server's API (check, validate --url): no database, no Django at all.
        return args.handler(args)
    # Imported here, not at the top: --version, --help and argparse's usage errors never load Django.
    try:
        from django.core.exceptions import ImproperlyConfigured, PermissionDenied
    except ModuleNotFoundError:
        raise CLIError(CLI_ONLY_MESSAGE.format(verb=args.verb), code=CONFIGURATION) from None

    try:
        setup_django()
        from django.db import OperationalError, ProgrammingError

        try:
            return args.handler(args)
        except (OperationalError, ProgrammingError) as exc:
            raise CLIError(DATABASE_MESSAGE.format(error=exc), code=DATABASE) from None
    except ImproperlyConfigured as exc:
        raise CLIError(CONFIGURATION_MESSAGE.format(error=exc), code=CONFIGURATION) from None
    except PermissionDenied as exc:
        # A service refused the actor's role; its message says who and what.
        raise CLIError(str(exc), code=PERMISSION_DENIED) from None


def _undecoded(match: re.Match[str]) -> str:
    """The byte Python could not decode ("\\xff"), from the surrogate it stands for."""
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def check_arguments(argv: Sequence[str]) -> None:
    """Refuse (a usage error) an argument that is not text: bytes the terminal's encoding could not
    decode. Checked before parsing, as argparse would echo them in its own messages."""
    for position, argument in enumerate(argv, start=1):
        if UNDECODABLE.search(argument):
            shown = UNDECODABLE.sub(_undecoded, argument)
            raise CLIError(NOT_UTF8_MESSAGE.format(position=position, shown=shown), EXIT_USAGE, code=INVALID_VALUE)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb and return the exit code (argparse's own exits become return values).

    Every expected failure of every verb is a CLIError, reported here once: as text on stderr, or
    as a JSON error object on stdout when the verb was asked for JSON (common.cli.report_error).
    """
    args: argparse.Namespace | None = None
    try:
        check_arguments(sys.argv[1:] if argv is None else argv)
        args = build_parser().parse_args(argv)
        return run(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    except CLIError as exc:
        return report_error(exc, args)
    except BrokenPipeError:
        # The reader stopped early (mltrack list | head): it has what it wanted; not an error.
        from common.cli.output import silence_stdout

        silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        return INTERRUPTED_EXIT


if __name__ == "__main__":
    sys.exit(main())
