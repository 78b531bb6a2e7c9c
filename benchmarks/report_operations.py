"""Benchmark rows for the dashboard and the reports.

They run after the compliance rows, so the inventory carries its reviews (10 per model). Before
the dashboard rows, 90 days of compliance snapshots are written (untimed), as the scheduler
would have, so the dashboard reads a full trend.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from benchmarks.operations import Action, BenchmarkError, Context, Operation, Target

DASHBOARD_TARGET = Target(max_ms=300, max_queries=15)
FILTERED_DASHBOARD_QUERY = "?risk_tier=critical&deployment_environment=prod"
TREND_DAYS = 90
PDF_MODELS = 1_000
OSCAL_SIZE = 10_000
ROOT = Path(__file__).resolve().parent.parent


def _with_trend(ctx: Context) -> None:
    from django.utils import timezone

    from reports import snapshots
    from reports.models import ComplianceSnapshot

    snapshots.take_snapshot(today=ctx.today, now=timezone.now())
    today_rows = list(ComplianceSnapshot.objects.filter(day=ctx.today))
    past = [
        ComplianceSnapshot(
            day=ctx.today - dt.timedelta(days=offset), scope=row.scope, evaluated=row.evaluated,
            passed=max(row.passed - offset, 0), failed=row.failed + min(offset, row.passed), overdue=row.overdue,
            ruleset_version=row.ruleset_version, ruleset_hash=row.ruleset_hash, source="backfill",
            taken_at=row.taken_at,
        )
        for offset in range(1, TREND_DAYS) for row in today_rows
    ]
    ComplianceSnapshot.objects.bulk_create(past, ignore_conflicts=True)


def _dashboard(ctx: Context) -> Action:
    from django.urls import reverse

    _with_trend(ctx)
    return ctx.page_action(reverse("reports:dashboard"))


def _filtered_dashboard(ctx: Context) -> Action:
    from django.urls import reverse

    return ctx.page_action(reverse("reports:dashboard") + FILTERED_DASHBOARD_QUERY)


def _output_file(ctx: Context, name: str) -> str:
    """A path in the run's own folder, removed with it."""
    return str(Path(ctx.env["MLTRACK_VAR_DIR"]) / name)


def _compliance_json(ctx: Context) -> Action:
    return ctx.process_action([ctx.mltrack, "report", "compliance", "-f", "json", "-o",
                               _output_file(ctx, "compliance.json")])


def _oscal(ctx: Context) -> Action:
    return ctx.process_action([ctx.mltrack, "report", "compliance", "-f", "oscal", "-o",
                               _output_file(ctx, "compliance.oscal.json")])


def _oscal_peak(ctx: Context) -> Action:
    """The OSCAL export's own peak memory, at any size: it is validated and written a part at a
    time, so its memory must not grow with the inventory as its time does."""
    path = _output_file(ctx, "compliance-peak.oscal.json")

    def export() -> None:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.peak", ctx.mltrack, "report", "compliance", "-f", "oscal", "-o", path],
            env=ctx.env, stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=ROOT, check=False,
        )
        try:
            report = json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            raise BenchmarkError(f"could not run mltrack report: {(done.stdout + done.stderr)[-300:]}") from None
        if report["returncode"] != 0:
            raise BenchmarkError(f"mltrack report exited with {report['returncode']}: {report['output'][-300:]}")
        peak = report["max_rss_kib"] / 1024
        verdict = "under" if peak < OSCAL_PEAK_TARGET_MIB else "NOT under"
        ctx.notes[OSCAL_PEAK_ROW] = (
            f"{Path(path).stat().st_size / 1e6:,.0f} MB written; peak memory {peak:,.0f} MiB, {verdict} the target of "
            f"{OSCAL_PEAK_TARGET_MIB:,} MiB"
        )

    return export


def _pdf(ctx: Context) -> Action:
    from django.utils import timezone

    from inventory.models import AIModel
    from reports.data import build_report_of
    from reports.formats import render_pdf

    first = list(AIModel.objects.order_by("pk").values_list("pk", flat=True)[:PDF_MODELS])
    models = AIModel.objects.filter(pk__in=first)

    def run() -> None:
        report = build_report_of("inventory", models, filters={}, today=ctx.today, now=timezone.now(),
                                 generated_by="benchmark")
        content = render_pdf(report)
        ctx.notes[PDF_ROW] = f"{report.metadata.model_count:,} models, {len(content) / 1e6:.1f} MB"

    return run


OSCAL_PEAK_ROW = "mltrack report compliance -f oscal, peak memory (process)"
OSCAL_PEAK_TARGET_MIB = 1024
PDF_ROW = f"PDF inventory report, {PDF_MODELS:,} models (in process)"

REPORT_OPERATIONS = [
    Operation("dashboard page", _dashboard, DASHBOARD_TARGET),
    Operation("dashboard page (filtered)", _filtered_dashboard, DASHBOARD_TARGET),
    Operation("mltrack report compliance -f json (process)", _compliance_json, Target(max_ms=10_000),
              count_queries=False),
    Operation("mltrack report compliance -f oscal, validated (process)", _oscal, Target(max_ms=10_000),
              count_queries=False, up_to_size=OSCAL_SIZE),
    # A single run at every size (100,000 models included); the note gives its peak memory.
    Operation(OSCAL_PEAK_ROW, _oscal_peak, Target(), once=True, count_queries=False),
    Operation(PDF_ROW, _pdf, Target(max_ms=30_000), once=True, count_queries=False),
]
