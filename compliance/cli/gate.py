"""mltrack validate (a readable report) and mltrack check (a CI/CD gate).

Both evaluate a selection of models (every model, one risk tier, or one model) with the rules engine
in compliance.engine and exit 0 when every evaluated model passes, 1 when any fails, 2 on bad input
(an unknown model or tier, conflicting flags). ``--json`` prints the engine's documented shape, the
same for both verbs; ``check --format sarif`` prints a SARIF 2.1.0 log, errors included. See
docs/cli.md and docs/compliance.md.

With ``--url`` (or ``MLTRACK_URL``) both verbs ask an MLTrack server's API instead of the local
database (compliance.cli.remote), and print the same output with the same exit code.

Building the parser imports nothing from Django; the local handlers import the engine when they
run, and the remote path never imports Django at all (a CI job's gate starts fast).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, NamedTuple

from common.cli import (
    EXIT_USAGE,
    CLIError,
    add_verb,
    resolve_actor,
    usage_error,
    write_error_json,
    write_error_text,
)
from common.cli.errors import UNKNOWN_TIER
from common.cli.output import silence_stdout
from common.cli.remote import add_remote_options, refuse_stray_token, wants_remote

if TYPE_CHECKING:
    from collections.abc import Callable

    from compliance.engine import Evaluation
    from compliance.selection import Verdict

TEXT, JSON, SARIF = "text", "json", "sarif"
FORMATS = (TEXT, JSON, SARIF)

BAD_TIER_MESSAGE = "argument --risk: {value!r} is not a risk tier. Allowed values: {allowed}."
VALIDATE_SELECTION_MESSAGE = "give exactly one of --all, --risk TIER or --model-id NAME"
CHECK_SELECTION_MESSAGE = "give exactly one of NAME, --all or --risk TIER"
FORMAT_CONFLICT_MESSAGE = "argument --json: not allowed with --format {format} (--json means --format json)"
# inventory.models.RiskTier's values, written out so that checking --risk loads no Django (a test
# keeps the two equal).
RISK_TIERS = ("critical", "high", "medium", "low")


class Selection(NamedTuple):
    """Which models to evaluate: every model, one risk tier, or one model by name."""

    tier: str | None = None
    name: str | None = None

    def describe(self) -> str:
        if self.name is not None:
            return "model"
        return f"{self.tier} models" if self.tier else "models"


# Parser --------------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the validate and check verbs."""
    validate = add_verb(
        subparsers, "validate", handle_validate, help="validate models against the compliance rules",
        description="Evaluate models against the compliance ruleset and list each one as PASS or FAIL with "
        "its violations, then a summary. Exit 0 when every evaluated model passes, 1 when any fails, "
        "2 on bad input. See docs/compliance.md for the rules.",
    )
    which = validate.add_argument_group("which models (exactly one)")
    which.add_argument("--all", action="store_true", help="every model in the inventory")
    which.add_argument("--risk", metavar="TIER", help="the models of one risk tier: critical, high, medium or low")
    which.add_argument("--model-id", metavar="NAME", help="one model, by name (any case)")
    validate.add_argument("--json", action="store_true", help="print the result as JSON (see docs/compliance.md)")
    add_remote_options(validate)

    check = add_verb(
        subparsers, "check", handle_check, error_writer=write_check_error,
        help="compliance gate for CI/CD: exit 0 compliant, 1 not, 2 bad input",
        description="Silent compliance gate: exit 0 when every evaluated model passes, 1 when any fails, 2 "
        "for an unknown model or a usage error. --verbose prints the report, --json the result as JSON, "
        "--format sarif a SARIF 2.1.0 log for code-scanning tools.",
    )
    check.add_argument("name", metavar="NAME", nargs="?", help="the model to check, by name (any case)")
    check.add_argument("--all", action="store_true", help="check every model")
    check.add_argument("--risk", metavar="TIER", help="check the models of one risk tier")
    check.add_argument("--json", action="store_true", help="print the result as JSON (same shape as validate --json)")
    check.add_argument("--format", choices=FORMATS, default=None, help="output format: text (default), json or sarif")
    check.add_argument("-v", "--verbose", action="store_true", help="print the report (text format only)")
    add_remote_options(check)


# Handlers ------------------------------------------------------------------------------------


def handle_validate(args: argparse.Namespace) -> int:
    _exactly_one(args, VALIDATE_SELECTION_MESSAGE, {"--all": args.all, "--risk": args.risk is not None,
                                                    "--model-id": args.model_id is not None})
    selection = Selection(tier=_tier(args), name=args.model_id)
    return _run(args, selection, JSON if args.json else TEXT, report=True)


def handle_check(args: argparse.Namespace) -> int:
    if _formats_conflict(args):
        usage_error(args, FORMAT_CONFLICT_MESSAGE.format(format=args.format))
    _exactly_one(args, CHECK_SELECTION_MESSAGE, {"NAME": args.name is not None, "--all": args.all,
                                                 "--risk": args.risk is not None})
    selection = Selection(tier=_tier(args), name=args.name)
    return _run(args, selection, check_output(args), report=args.verbose)


def _formats_conflict(args: argparse.Namespace) -> bool:
    """--json with --format text or sarif."""
    return args.json and args.format not in (None, JSON)


def check_output(args: argparse.Namespace) -> str:
    """The format check prints in (its errors too): --format, else json with --json, else text."""
    if _formats_conflict(args):
        # Two formats asked for: neither is trusted, so the usage error is plain text.
        return TEXT
    return args.format or (JSON if args.json else TEXT)


def write_check_error(error: CLIError, args: argparse.Namespace) -> None:
    """An error in check's output format: a SARIF log without results, the JSON error object, or text."""
    output = check_output(args)
    if output == SARIF:
        _print_sarif(None, exit_code=error.exit_code, error=error)
    elif output == JSON:
        write_error_json(error)
    else:
        write_error_text(error)


def _exactly_one(args: argparse.Namespace, message: str, given: dict[str, bool]) -> None:
    chosen = [what for what, present in given.items() if present]
    if len(chosen) != 1:
        usage_error(args, message + (f" (got {' and '.join(chosen)})" if chosen else ""))


def _tier(args: argparse.Namespace) -> str | None:
    if args.risk is None:
        return None
    tier = args.risk.strip().lower()
    if tier not in RISK_TIERS:
        usage_error(args, BAD_TIER_MESSAGE.format(value=args.risk, allowed=", ".join(RISK_TIERS)), code=UNKNOWN_TIER,
                    suggestions=RISK_TIERS)
    return tier


def _run(args: argparse.Namespace, selection: Selection, output: str, *, report: bool) -> int:
    """Evaluate the selection and print it in ``output``; ``report``: the text report (else silent)."""
    if wants_remote(args):
        from compliance.cli.remote import run_remote

        return run_remote(args, selection, output, report=report)
    refuse_stray_token(args)
    from django.utils import timezone

    from compliance.selection import evaluate_selection
    from inventory import permissions

    who = resolve_actor(args)
    who.require(permissions.can_view, "view the inventory")
    model = _find(selection.name) if selection.name is not None else None
    verdict = evaluate_selection(today=timezone.localdate(), model=model, tier=selection.tier)
    print_safely(lambda: _print(verdict, selection, output, report=report))
    return verdict.exit_code


def _print(verdict: Verdict, selection: Selection, output: str, *, report: bool) -> None:
    if output == JSON:
        from compliance.cli.output import write_json

        write_json(verdict.evaluation, verdict.results())
    elif output == SARIF:
        _print_sarif(verdict.evaluation, exit_code=verdict.exit_code)
    elif report:
        from compliance.cli.output import write_report

        write_report(verdict.evaluation, verdict.results(), total=verdict.total, what=selection.describe())


def print_safely(write: Callable[[], None]) -> None:
    """Print with ``write()``; a reader that stopped early (mltrack validate --all | head) is not an error of ours."""
    try:
        write()
    except BrokenPipeError:
        silence_stdout()


def _find(name: str):
    """The model named ``name``, or CLIError "unknown_model" with exit 2: for a gate, asking about a
    model that does not exist is bad input, not a failed check."""
    from inventory.cli.lookup import find_model
    from inventory.models import AIModel

    return find_model(name, AIModel.objects.only("pk", "model_name", "risk_tier", "status"), exit_code=EXIT_USAGE)


def _print_sarif(evaluation: Evaluation | None, *, exit_code: int, error: CLIError | None = None) -> None:
    from common.cli import installed_version
    from compliance.sarif import sarif_error_log, sarif_log

    if error is None:
        log = sarif_log(evaluation, evaluation.failures, tool_version=installed_version(), exit_code=exit_code)
    else:
        log = sarif_error_log(error.message, code=error.code, tool_version=installed_version(), exit_code=exit_code)
    write_sarif(log)


def write_sarif(log: dict) -> None:
    import json
    import sys

    # One line: a whole inventory's log is large, and tools read it, not people.
    sys.stdout.write(json.dumps(log, ensure_ascii=False) + "\n")
