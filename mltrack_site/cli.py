"""The ``mltrack`` command line: one parser for every app's verbs, then Django, then the verb.

The parser is built without touching Django models, so ``mltrack --version``, ``--help`` and
usage errors answer at once and need no database. Each app adds its verbs with
``<app>.cli.register(subparsers)``; see docs/cli.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from common.cli import EXIT_FAILED, EXIT_USAGE, CLIError, installed_version
from compliance import cli as compliance_cli
from inventory import cli as inventory_cli
from reports import cli as reports_cli
from reviews import cli as reviews_cli

INTERRUPTED_EXIT = 130


class VersionAction(argparse.Action):
    """Like argparse's "version" action, but reads the package metadata only when asked."""

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
    return parser


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltrack_site.settings")
    import django

    django.setup()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb and return the exit code (argparse's own exits become return values)."""
    from django.core.exceptions import ImproperlyConfigured, PermissionDenied

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        setup_django()
        from django.db import OperationalError, ProgrammingError

        try:
            return args.handler(args)
        except (OperationalError, ProgrammingError) as exc:
            raise CLIError(
                f"The database could not answer: {exc}. If it is new, create its tables with: python manage.py migrate"
            ) from None
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    except CLIError as exc:
        sys.stderr.write(f"{exc}\n")
        return exc.exit_code
    except PermissionDenied as exc:
        # A service refused the actor's role (common.authz); its message says who and what.
        sys.stderr.write(f"{exc}\n")
        return EXIT_FAILED
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"Configuration error: {exc}\n")
        return EXIT_FAILED
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        return INTERRUPTED_EXIT


if __name__ == "__main__":
    sys.exit(main())
