"""Benchmark rows for compliance: the engine in process, and validate/check as whole commands.

They run after the audit-trail rows, so the inventory carries its reviews (10 per model).
"""

from __future__ import annotations

from benchmarks.operations import Action, Context, Operation, Target, middle_model_pk


def _evaluate(ctx: Context) -> Action:
    from compliance.engine import evaluate

    def run() -> None:
        evaluation = evaluate(today=ctx.today)
        ctx.notes["evaluate the whole inventory (in process)"] = (
            f"{evaluation.summary.evaluated:,} evaluated, {evaluation.summary.failed:,} failing, "
            f"compliance rate {evaluation.summary.compliance_rate}%"
        )

    return run


def _validate_json(ctx: Context) -> Action:
    return ctx.process_action([ctx.mltrack, "validate", "--all", "--json"], ok_codes=(0, 1))


def _check_one(ctx: Context) -> Action:
    from inventory.models import AIModel

    name = AIModel.objects.get(pk=middle_model_pk()).model_name
    return ctx.process_action([ctx.mltrack, "check", name], ok_codes=(0, 1))


def _compliance_page(ctx: Context) -> Action:
    from django.urls import reverse

    return ctx.page_action(reverse("compliance:evaluation"))


COMPLIANCE_OPERATIONS = [
    Operation("evaluate the whole inventory (in process)", _evaluate, Target(max_ms=500, max_queries=4)),
    Operation("mltrack validate --all --json (process)", _validate_json, Target(max_ms=3000), count_queries=False),
    Operation("mltrack check NAME (process)", _check_one, Target(max_ms=800), count_queries=False),
    # The page evaluates the whole inventory on every request, so it is held to the engine's budget.
    Operation("compliance page", _compliance_page, Target(max_ms=600, max_queries=10)),
]
