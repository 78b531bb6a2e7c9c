"""What any app's ``mltrack`` verbs share: exit codes, errors, who the CLI acts for, finding a model
by name, reporting field errors, argparse helpers and the console.

Importing this module imports nothing from Django or rich; each helper imports what it needs when
it runs, after ``django.setup()``. A verb module uses it like this::

    from inventory.cli.common import EXIT_OK, add_verb, find_model, resolve_actor

    def register(subparsers):
        verb = add_verb(subparsers, "frobnicate", handle_frobnicate, help="...", description="...")
        verb.add_argument("name", metavar="NAME", help="model name (any case)")

Exit codes: 0 success; 1 failed validation, not found, permission denied or refused; 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from rich.console import Console, Group

    from inventory.models import AIModel, AIModelQuerySet
    from inventory.services import Actor

__all__ = [
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_USAGE",
    "CLIError",
    "usage_error",
    "add_verb",
    "user_option",
    "positive_int",
    "positive_int_up_to",
    "CLIActor",
    "os_login",
    "resolve_actor",
    "find_model",
    "similar_names",
    "fail_validation",
    "field_errors",
    "make_console",
    "print_json",
    "installed_version",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

NO_ACCOUNT_MESSAGE = "No user account named {name}. Create it or drop --user."
NO_ACCOUNT_ENV_MESSAGE = "No user account named {name} (from MLTRACK_USER). Create it or unset MLTRACK_USER."
INACTIVE_ACCOUNT_MESSAGE = "The user account {name} is deactivated, so the CLI cannot act for it."
ACCOUNT_REQUIRED_MESSAGE = (
    "This installation requires a user account for the CLI (MLTRACK_CLI_REQUIRE_ACCOUNT is on), and the "
    "operating-system user {login!r} has none. Pass --user NAME or set MLTRACK_USER."
)
PERMISSION_DENIED_MESSAGE = "Permission denied: {who} (role: {role}) may not {action}."
NOT_FOUND_MESSAGE = 'No model named "{name}".'
DID_YOU_MEAN_MESSAGE = " Did you mean: {names}?"

# Did-you-mean compares against every name in a small inventory, and otherwise against names
# sharing the first or last three characters, at most this many of each (bounded at 100,000).
SUGGESTION_POOL = 5000
# Without a terminal (a pipe, a file, a CI log) lines are not wrapped to rich's default 80 columns.
UNWRAPPED_WIDTH = 200


FALLBACK_VERSION = "0.1.0"


def installed_version() -> str:
    """MLTrack's version, from the installed package's metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mltrack")
    except PackageNotFoundError:
        return FALLBACK_VERSION


# Errors and exit codes -----------------------------------------------------------------------


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


# Parser helpers ------------------------------------------------------------------------------


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
    subparsers: argparse._SubParsersAction, name: str, handler: Callable[[argparse.Namespace], int], **kwargs: Any
) -> argparse.ArgumentParser:
    """Add a verb that takes --user and runs ``handler(args)`` (which returns the exit code).

    ``kwargs`` go to ``add_parser`` (``help``, ``description``, ...). The parser is returned for the
    verb's own arguments.
    """
    parser = subparsers.add_parser(name, parents=[user_option()], **kwargs)
    parser.set_defaults(handler=handler, verb_parser=parser)
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


# Who the CLI acts for ------------------------------------------------------------------------


@dataclass(frozen=True)
class CLIActor:
    """Who the CLI acts for: a user account (permissions apply) or a local operator (they do not).

    ``actor`` is what the services record in the history; ``user`` is the account, or None.
    """

    actor: Actor
    user: AbstractBaseUser | None

    def require(self, allowed: Callable[[AbstractBaseUser], bool], action: str) -> None:
        """Refuse (CLIError, exit 1) unless ``allowed(user)``: "Permission denied: ... may not <action>."."""
        if self.user is None or allowed(self.user):
            return
        from inventory.roles import role_of

        raise CLIError(
            PERMISSION_DENIED_MESSAGE.format(who=self.actor.name, role=role_of(self.user) or "none", action=action)
        )

    def may(self, allowed: Callable[[AbstractBaseUser], bool]) -> bool:
        """Whether ``allowed(user)`` holds; always True for the local operator."""
        return self.user is None or allowed(self.user)


def os_login() -> str:
    """The operating-system login, or "unknown"."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def resolve_actor(args: argparse.Namespace) -> CLIActor:
    """--user / MLTRACK_USER names an account; otherwise the operating-system login's account if it
    has one; otherwise a local operator with direct database access, unless accounts are required."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from inventory.services import Actor

    users = get_user_model().objects
    named = getattr(args, "user", None)
    from_env = False
    if not named:
        named = os.environ.get("MLTRACK_USER", "").strip()
        from_env = bool(named)
    if named:
        user = users.filter(username=named).first()
        if user is None:
            raise CLIError((NO_ACCOUNT_ENV_MESSAGE if from_env else NO_ACCOUNT_MESSAGE).format(name=named))
        if not user.is_active:
            raise CLIError(INACTIVE_ACCOUNT_MESSAGE.format(name=named))
        return CLIActor(Actor.for_user(user), user)
    login = os_login()
    user = users.filter(username=login).first()
    if user is not None:
        # A deactivated account must not fall back to the unrestricted local operator.
        if not user.is_active:
            raise CLIError(INACTIVE_ACCOUNT_MESSAGE.format(name=login))
        return CLIActor(Actor.for_user(user), user)
    if settings.MLTRACK_CLI_REQUIRE_ACCOUNT:
        raise CLIError(ACCOUNT_REQUIRED_MESSAGE.format(login=login))
    return CLIActor(Actor.os_user(login), None)


# Finding a model by name ---------------------------------------------------------------------


def similar_names(name: str, *, limit: int = 3) -> list[str]:
    """Up to ``limit`` model names close to ``name``, from a bounded set of candidates."""
    from difflib import get_close_matches

    from inventory.models import AIModel

    name = name.strip()
    names = AIModel.objects.order_by().values_list("model_name", flat=True)
    pool = list(names[: SUGGESTION_POOL + 1])
    if len(pool) > SUGGESTION_POOL:
        pool = []
        for piece, lookup in ((name[:3], "istartswith"), (name[-3:], "iendswith")):
            if piece:
                pool += names.filter(**{f"model_name__{lookup}": piece}).order_by("model_name")[:SUGGESTION_POOL]
    by_lower = {candidate.lower(): candidate for candidate in pool}
    return [by_lower[m] for m in get_close_matches(name.lower(), sorted(by_lower), n=limit, cutoff=0.6)]


def find_model(name: str, queryset: AIModelQuerySet | None = None) -> AIModel:
    """The model named ``name`` (any case), from ``queryset`` (default: ``for_detail()``).

    Not found: CLIError, exit 1, with close names suggested. Check the view permission first, so
    that suggestions never show names to someone who may not see them.
    """
    from inventory.models import AIModel

    queryset = queryset if queryset is not None else AIModel.objects.for_detail()
    model = queryset.by_name(name).first()
    if model is None:
        message = NOT_FOUND_MESSAGE.format(name=name)
        suggestions = similar_names(name)
        if suggestions:
            message += DID_YOU_MEAN_MESSAGE.format(names=", ".join(suggestions))
        raise CLIError(message)
    return model


# Output --------------------------------------------------------------------------------------


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
