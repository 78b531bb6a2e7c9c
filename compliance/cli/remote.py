"""``mltrack validate`` and ``check`` against a server (``--url``): the same output and exit code as
locally, from the API's check endpoint, which evaluates with the same code (compliance.selection).

- JSON: the evaluation the server sends is printed as ``validate --json`` prints it locally;
- SARIF: the server writes the log (its rules' citations are the server's ruleset);
- text: the report is written by the same function as locally (compliance.cli.output.write_report),
  from the server's results; a silent check asks only for the verdict, not every model's result.

No Django here: the evaluation arrives as JSON and is read into small tuples with the attributes
the report reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any, NamedTuple

from common.cli import EXIT_USAGE, CLIError, print_json
from common.cli.errors import SERVER_ERROR
from common.cli.remote import NOT_MLTRACK_MESSAGE, Server, get_json, server_of

CHECK_PATH = "compliance/check/"
SARIF_PATH = "compliance/check/sarif/"


def run_remote(args: argparse.Namespace, selection, output: str, *, report: bool) -> int:
    """Ask the server for the selection's verdict and print it in ``output``; return the exit code."""
    from compliance.cli.gate import JSON, SARIF, print_safely, write_sarif

    server = server_of(args)
    params = _params(selection)
    if output == SARIF:
        log = get_json(server, SARIF_PATH, params)
        code = _read(server, lambda: log["runs"][0]["invocations"][0]["exitCode"])
        print_safely(lambda: write_sarif(log))
        return code
    wants_results = output == JSON or report
    verdict = get_json(server, CHECK_PATH, params if wants_results else {**params, "detail": "false"})
    code = _read(server, lambda: int(verdict["exit_code"]))
    if output == JSON:
        print_safely(lambda: print_json(verdict["evaluation"]))
    elif report:
        from compliance.cli.output import write_report

        evaluation, results = _read(server, lambda: _evaluation(verdict["evaluation"]))
        total = _read(server, lambda: int(verdict["total"]))
        print_safely(lambda: write_report(evaluation, results, total=total, what=selection.describe()))
    return code


def _params(selection) -> dict[str, str]:
    if selection.name is not None:
        return {"model": selection.name}
    if selection.tier is not None:
        return {"risk_tier": selection.tier}
    return {"all": "true"}


def _read(server: Server, reading):
    """``reading()``, or a clear error when the answer lacks what an MLTrack server sends."""
    try:
        return reading()
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        reason = f"its answer lacks {exc}" if isinstance(exc, KeyError) else f"its answer is malformed: {exc}"
        raise CLIError(NOT_MLTRACK_MESSAGE.format(url=server.url, reason=reason), EXIT_USAGE,
                       code=SERVER_ERROR) from None


# The evaluation, as the report reads it ------------------------------------------------------


class Rule(NamedTuple):
    id: str


class Violation(NamedTuple):
    rule: Rule
    message: str


class Result(NamedTuple):
    model_name: str
    risk_tier: str
    status: str
    evaluated: bool
    passed: bool
    violations: tuple[Violation, ...]


class Summary(NamedTuple):
    evaluated: int
    passed: int
    failed: int
    compliance_rate: float | None
    violations_by_rule: dict[str, int]


class Ruleset(NamedTuple):
    version: str
    content_hash: str
    rules: tuple[Rule, ...]


class Evaluation(NamedTuple):
    as_of: dt.date
    summary: Summary
    ruleset: Ruleset


def _evaluation(document: dict[str, Any]) -> tuple[Evaluation, list[Result]]:
    """The JSON shape of ``validate --json`` (docs/compliance.md) read back into what the report reads."""
    summary = document["summary"]
    by_rule = {str(rule): int(count) for rule, count in summary["violations_by_rule"].items()}
    evaluation = Evaluation(
        as_of=dt.date.fromisoformat(document["as_of"]),
        summary=Summary(int(summary["evaluated"]), int(summary["passed"]), int(summary["failed"]),
                        summary["compliance_rate"], by_rule),
        # violations_by_rule names every rule of the ruleset, in its order.
        ruleset=Ruleset(document["ruleset"]["version"], document["ruleset"]["hash"], tuple(Rule(r) for r in by_rule)),
    )
    results = [
        Result(
            model_name=entry["model"], risk_tier=entry["risk_tier"], status=entry["status"],
            evaluated=entry["result"] != "not evaluated", passed=entry["result"] != "fail",
            violations=tuple(Violation(Rule(v["rule"]), v["message"]) for v in entry["violations"]),
        )
        for entry in document["models"]
    ]
    return evaluation, results
