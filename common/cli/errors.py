"""Exit codes and the one error type of every ``mltrack`` verb.

Exit codes: 0 success; 1 failed validation, not found, permission denied or refused; 2 usage error.

A verb raises :class:`CLIError` for any failure it expects and the entry point reports it once, for
every verb: as text on stderr, or as a JSON error object on stdout when the verb was asked for JSON
(see ``common.cli.output.report_error`` and docs/cli.md, "Errors").
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any, NoReturn

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

# The machine-readable "code" of an error; docs/cli.md lists them, with their exit codes.
USAGE_ERROR = "usage_error"
INVALID_VALUE = "invalid_value"
UNKNOWN_TIER = "unknown_tier"
UNKNOWN_MODEL = "unknown_model"
PERMISSION_DENIED = "permission_denied"
ACCOUNT = "account"
NO_SUCH_PAGE = "no_such_page"
DATABASE = "database"
FILE_REFUSED = "file_refused"
CONFIGURATION = "configuration"
FAILED = "failed"
# Remote mode (--url): the server could not be asked (exit 2, like bad input: no verdict was given).
UNREACHABLE = "unreachable"
TLS = "tls"
TOKEN_REFUSED = "token_refused"
THROTTLED = "throttled"
SERVER_ERROR = "server_error"


class CLIError(Exception):
    """An expected failure: a message for people, an exit code, a code and suggestions for scripts.

    ``code`` defaults to "usage_error" for exit 2 and "failed" otherwise. ``suggestions`` are what
    the user may have meant: close model names, or the values an option allows. ``usage`` is the
    verb's parser when the message is about how the verb was called: its usage line is printed
    before the message, as argparse does for its own errors.
    """

    def __init__(
        self,
        message: str,
        exit_code: int = EXIT_FAILED,
        *,
        code: str | None = None,
        suggestions: Iterable[str] = (),
        usage: argparse.ArgumentParser | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.code = code or (USAGE_ERROR if exit_code == EXIT_USAGE else FAILED)
        self.suggestions = list(suggestions)
        self.usage = usage

    def as_dict(self) -> dict[str, Any]:
        """The JSON error object: ``{"error": {"code", "message", "suggestions"}}``."""
        return {"error": {"code": self.code, "message": self.message, "suggestions": self.suggestions}}


def usage_error(
    args: argparse.Namespace, message: str, *, code: str = USAGE_ERROR, suggestions: Iterable[str] = ()
) -> NoReturn:
    """Stop with a usage problem found after parsing (exit 2): with the verb's usage line, as
    argparse reports its own, or as a JSON error object when the verb was asked for JSON.

    Needs ``args.verb_parser``, which :func:`add_verb` sets.
    """
    raise CLIError(message, EXIT_USAGE, code=code, suggestions=suggestions, usage=args.verb_parser)
