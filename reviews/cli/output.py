"""How the audit-trail verbs show review records: rich panels and tables for people, JSON for
scripts. Imported by the handlers when they run. Everything a user typed is printed as ``Text``,
never as console markup, single-line values through ``common.cli.plain`` (control characters and
line breaks escaped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from rich.console import RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from common.cli import plain
from inventory.models import AIModel, DueState
from reviews.drift import Drift
from reviews.models import ModelReview
from reviews.services import RecordedReview
from reviews.verify import Verification

# Records a table shows; --json carries them all.
TRAIL_LIMIT = 50


def as_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def recorded_panel(result: RecordedReview, model: AIModel, *, today: dt.date) -> Iterator[RenderableType]:
    """What ``mltrack reviewed`` prints: the record against the schedule it found and left."""
    review = result.review
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    cycle = model.review_policy.cycle_days(model.risk_tier)
    before = DueState.of(next_review_date=review.next_review_before, status=model.status, today=today)
    rows = [
        ("Model", plain(model.model_name)),
        ("Risk Tier", model.risk_tier.upper()),
        ("Review Cycle", f"{cycle} days (policy v{review.policy_version})"),
        ("Outcome", review.outcome.upper()),
        ("Reviewer", plain(review.reviewer)),
        ("", ""),
        ("Last Review (was)", review.last_review_before.isoformat() if review.last_review_before else "never"),
        ("Last Review (now)", model.last_review_date.isoformat() if model.last_review_date else "never"),
        ("", ""),
        ("Next Review (was)", before.dated()),
        ("Next Review (now)", model.due_state(today=today).dated()),
    ]
    for label, value in rows:
        grid.add_row(label, Text(value))
    failed = review.outcome == "failed"
    title = "✗ Review Recorded: FAILED" if failed else "✓ Review Recorded"
    yield Panel(grid, title=title, expand=False, border_style="red" if failed else "green")
    if review.notes:
        yield Text(f"Review note: {review.notes}")
    if not result.schedule_moved:
        reason = "a failed review does not make the model compliant" if failed else (
            "the review is older than the model's last review: kept as history")
        yield Text(f"The schedule did not move: {reason}.")
    yield Text(f"Review record #{review.sequence} written to audit trail: {review.pk}")
    yield Text(f"Chain hash {review.chain_hash}")


def record_json(review: ModelReview) -> dict[str, Any]:
    from reviews.hashing import CHAIN_FIELDS, as_text

    data = {field: as_text(getattr(review, field)) for field in CHAIN_FIELDS}
    data["chain_hash"] = review.chain_hash
    data["reviewer_user"] = review.reviewer_user.get_username() if review.reviewer_user_id else None
    return data


def trail_json(model: AIModel, records: list[ModelReview], drift: Drift) -> dict[str, Any]:
    return {
        "model": model.model_name,
        "drift": {
            "reviewed": drift.reviewed,
            "changed_since_last_review": drift.changed,
            "current_state_hash": drift.current_hash,
            "changed_fields": [
                {"field": c.field, "was": as_json(c.old), "now": as_json(c.new)} for c in drift.changes
            ],
        },
        "reviews": [record_json(r) for r in records],
    }


def trail_renderables(model: AIModel, records: list[ModelReview], drift: Drift) -> Iterator[RenderableType]:
    """What ``mltrack reviews`` prints: the drift verdict, then the newest records."""
    if not records:
        yield Text(f"{plain(model.model_name)} has never been reviewed.")
        return
    if drift.changed:
        fields = ", ".join(f"{c.label} ({as_json(c.old) or '—'} → {as_json(c.new) or '—'})" for c in drift.changes)
        changed = f"⚠ {plain(model.model_name)} has changed since its last review"
        yield Text(changed + (f": {plain(fields)}" if fields else "."), style="yellow")
    else:
        yield Text(f"✓ {plain(model.model_name)} matches the state hash of its last review.", style="green")
    table = Table(title=Text(f"Review records of {plain(model.model_name)} (newest first)"))
    for column in ("#", "Review date", "Outcome", "Reviewer", "Notes", "State hash", "Chain hash"):
        table.add_column(column)
    for review in records[:TRAIL_LIMIT]:
        table.add_row(
            str(review.sequence), review.review_date.isoformat(), review.outcome, Text(plain(review.reviewer)),
            Text((review.notes[:60] + "…") if len(review.notes) > 60 else review.notes),
            review.model_state_hash[:12], review.chain_hash[:12],
        )
    yield table
    if len(records) > TRAIL_LIMIT:
        yield Text(f"{len(records) - TRAIL_LIMIT} older record(s) not shown; use --json for all.")


# Per-model problems a terminal shows; --json carries them all.
MODEL_PROBLEMS_SHOWN = 20


def verification_json(result: Verification) -> dict[str, Any]:
    return result.as_dict()


def verification_renderables(result: Verification) -> Iterator[RenderableType]:
    """The verdict, then each model that disagrees with its trail, then the warnings."""
    yield Text(result.summary(), style="green" if result.ok else "bold red")
    for model_problem in result.model_problems[:MODEL_PROBLEMS_SHOWN]:
        name, reason = plain(model_problem.model_name), plain(model_problem.reason)
        yield Text(f"  ✗ {name} (id {model_problem.model_id}): {reason}")
    hidden = len(result.model_problems) - MODEL_PROBLEMS_SHOWN
    if hidden > 0:
        yield Text(f"  … and {hidden:,} more; use --json for all.")
    for warning in result.warnings:
        yield Text(f"  ! {warning}", style="yellow")
    if result.anchored:
        yield Text(f"Checkpoint signed and anchored: {result.anchored}", style="dim")
