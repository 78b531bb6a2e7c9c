"""Exit codes and the one error type of every ``mltrack`` verb.

Exit codes: 0 success; 1 failed validation, not found, permission denied or refused; 2 usage error.
"""

from __future__ import annotations

import argparse

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class CLIError(Exception):
    """An expected failure: the message goes to stderr and the process exits with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def usage_error(args: argparse.Namespace, message: str) -> None:
    """Report a usage problem found after parsing, the way argparse does (usage line, exit 2).

    Needs ``args.verb_parser``, which :func:`add_verb` sets.
    """
    args.verb_parser.error(message)
