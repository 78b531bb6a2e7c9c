"""The audit-trail verbs of ``mltrack``: reviewed, reviews, verify.

Thin interfaces over reviews.services, reviews.drift and reviews.verify; see docs/cli.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from inventory.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CLIError,
    add_verb,
    fail_validation,
    find_model,
    make_console,
    print_json,
    resolve_actor,
)

REVIEWED_FLAGS = {
    "review_date": "--date",
    "outcome": "--outcome",
    "reviewer": "--reviewer",
    "notes": "--notes",
    "corrects": "--corrects",
    "reviewer_user": "--reviewer-user",
    "model": "NAME",
}
NO_SUCH_RECORD_MESSAGE = "No review record {ref!r}: give the record's id (a UUID) or its sequence number."
TRAIL_LIMIT = 50


def register(subparsers: argparse._SubParsersAction) -> None:
    reviewed = add_verb(
        subparsers, "reviewed", handle_reviewed, help="record a review in the audit trail",
        description="Record a review of a model as a permanent, hash-chained audit-trail record, and move "
        "the model's review schedule (a failed or back-dated review does not move it).",
    )
    reviewed.add_argument("name", metavar="NAME", help="model name (any case)")
    reviewed.add_argument("-d", "--date", dest="review_date", metavar="DATE", help="YYYY-MM-DD or 'today' (required)")
    reviewed.add_argument("--outcome", metavar="OUTCOME", help="passed, warning or failed (required)")
    reviewed.add_argument("--reviewer", metavar="WHO", help="who performed the review (required)")
    reviewed.add_argument("--notes", default="", metavar="TEXT", help="review observations")
    reviewed.add_argument(
        "--reviewer-user", metavar="USERNAME", help="also link the record to this reviewer's user account"
    )
    reviewed.add_argument(
        "--corrects", metavar="RECORD", help="id or sequence number of an earlier record of this model that this one corrects"
    )

    reviews = add_verb(
        subparsers, "reviews", handle_reviews, help="list a model's review records",
        description="A model's audit trail, newest first, with hashes, and whether the model has changed "
        "since its last review.",
    )
    reviews.add_argument("name", metavar="NAME", help="model name (any case)")
    reviews.add_argument("--json", action="store_true", help="print every record as JSON")

    verify = add_verb(
        subparsers, "verify", handle_verify, help="verify the whole audit trail",
        description="Recompute every review record's chain hash, in order. Exit 0 when the chain is intact, "
        "1 when it is broken (naming the first bad record).",
    )
    verify.add_argument("--json", action="store_true", help="print the result as JSON")


def _find_record(ref: str) -> Any:
    import uuid

    from reviews.models import ModelReview

    records = ModelReview.objects.all()
    try:
        if ref.strip().isdigit():
            return records.get(sequence=int(ref))
        return records.get(pk=uuid.UUID(ref.strip()))
    except (ValueError, ModelReview.DoesNotExist):
        raise CLIError(NO_SUCH_RECORD_MESSAGE.format(ref=ref)) from None


def as_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _flag(field: str) -> str:
    return REVIEWED_FLAGS.get(field, field)


def _due_text(due: dt.date, today: dt.date) -> str:
    days = (due - today).days
    if days < 0:
        return f"{due.isoformat()} ({-days} day{'s' if days != -1 else ''} overdue)"
    if days == 0:
        return f"{due.isoformat()} (due today)"
    return f"{due.isoformat()} (in {days} day{'s' if days != 1 else ''})"


def handle_reviewed(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from inventory import permissions as inventory_permissions
    from reviews import permissions, services

    who = resolve_actor(args)
    who.require(inventory_permissions.can_view, "view the inventory")
    who.require(permissions.can_record, "record reviews")
    model = find_model(args.name)
    today = timezone.localdate()
    out, errors = make_console(), make_console(stderr=True)
    reviewer_user = None
    if args.reviewer_user:
        reviewer_user = get_user_model().objects.filter(username=args.reviewer_user).first()
        if reviewer_user is None:
            unknown = {"reviewer_user": [f"No user account named {args.reviewer_user}."]}
            return fail_validation(errors, "The review was not recorded", unknown, label=_flag)
    corrects = _find_record(args.corrects) if args.corrects else None
    entry = services.ReviewInput(
        review_date=args.review_date, outcome=args.outcome, reviewer=args.reviewer, notes=args.notes,
        reviewer_user=reviewer_user, corrects=corrects,
    )
    try:
        result = services.record_review(model=model, entry=entry, actor=who.actor, today=today, now=timezone.now())
    except ValidationError as exc:
        return fail_validation(
            errors, "The review was not recorded", exc.message_dict, order=list(REVIEWED_FLAGS), label=_flag
        )
    review = result.review
    model.refresh_from_db()
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    cycle = model.review_policy.cycle_days(model.risk_tier)
    rows = [
        ("Model", model.model_name),
        ("Risk Tier", model.risk_tier.upper()),
        ("Review Cycle", f"{cycle} days (policy v{review.policy_version})"),
        ("Outcome", review.outcome.upper()),
        ("Reviewer", review.reviewer),
        ("", ""),
        ("Last Review (was)", review.last_review_before.isoformat() if review.last_review_before else "never"),
        ("Last Review (now)", model.last_review_date.isoformat() if model.last_review_date else "never"),
        ("", ""),
        ("Next Review (was)", _due_text(review.next_review_before, today)),
        ("Next Review (now)", _due_text(model.next_review_date, today)),
    ]
    for label, value in rows:
        grid.add_row(label, Text(value))
    title = "✓ Review Recorded" if review.outcome != "failed" else "✗ Review Recorded: FAILED"
    out.print(Panel(grid, title=title, expand=False, border_style="red" if review.outcome == "failed" else "green"))
    if review.notes:
        out.print(Text(f"Review note: {review.notes}"))
    if not result.schedule_moved:
        reason = "a failed review does not make the model compliant" if review.outcome == "failed" else (
            "the review is older than the model's last review: kept as history")
        out.print(Text(f"The schedule did not move: {reason}."))
    out.print(Text(f"Review record #{review.sequence} written to audit trail: {review.pk}"))
    out.print(Text(f"Chain hash {review.chain_hash}"))
    return EXIT_OK


def _record_json(review) -> dict[str, Any]:
    from reviews.hashing import CHAIN_FIELDS, as_text

    data = {field: as_text(getattr(review, field)) for field in CHAIN_FIELDS}
    data["chain_hash"] = review.chain_hash
    data["reviewer_user"] = review.reviewer_user.get_username() if review.reviewer_user_id else None
    return data


def handle_reviews(args: argparse.Namespace) -> int:
    from rich.table import Table
    from rich.text import Text

    from inventory import permissions as inventory_permissions
    from reviews import permissions
    from reviews.drift import drift_against

    who = resolve_actor(args)
    who.require(inventory_permissions.can_view, "view the inventory")
    who.require(permissions.can_view, "view review records")
    model = find_model(args.name)
    records = list(model.reviews.select_related("reviewer_user").newest_first())
    drift = drift_against(model, records[0] if records else None)
    drift_json = {
        "reviewed": drift.reviewed,
        "changed_since_last_review": drift.changed,
        "current_state_hash": drift.current_hash,
        "changed_fields": [{"field": c.field, "was": as_json(c.old), "now": as_json(c.new)} for c in drift.changes],
    }
    if args.json:
        print_json({"model": model.model_name, "drift": drift_json, "reviews": [_record_json(r) for r in records]})
        return EXIT_OK
    out = make_console()
    if not records:
        out.print(Text(f"{model.model_name} has never been reviewed."))
        return EXIT_OK
    if drift.changed:
        fields = ", ".join(f"{c.label} ({as_json(c.old) or '—'} → {as_json(c.new) or '—'})" for c in drift.changes)
        out.print(Text(f"⚠ {model.model_name} has changed since its last review" + (f": {fields}" if fields else "."),
                       style="yellow"))
    else:
        out.print(Text(f"✓ {model.model_name} matches the state hash of its last review.", style="green"))
    table = Table(title=f"Review records of {model.model_name} (newest first)")
    for column in ("#", "Review date", "Outcome", "Reviewer", "Notes", "State hash", "Chain hash"):
        table.add_column(column)
    for review in records[:TRAIL_LIMIT]:
        table.add_row(
            str(review.sequence), review.review_date.isoformat(), review.outcome, Text(review.reviewer),
            Text((review.notes[:60] + "…") if len(review.notes) > 60 else review.notes),
            review.model_state_hash[:12], review.chain_hash[:12],
        )
    out.print(table)
    if len(records) > TRAIL_LIMIT:
        out.print(Text(f"{len(records) - TRAIL_LIMIT} older record(s) not shown; use --json for all."))
    return EXIT_OK


def handle_verify(args: argparse.Namespace) -> int:
    from django.utils import timezone
    from rich.text import Text

    from reviews import permissions
    from reviews.verify import verify_chain

    who = resolve_actor(args)
    who.require(permissions.can_view, "verify the audit trail")
    result = verify_chain(now=timezone.now(), checkpoint_by=who.actor)
    if args.json:
        problem = result.problem
        print_json(
            {
                "ok": result.ok,
                "count": result.count,
                "head": {"sequence": result.head_sequence, "chain_hash": result.head_hash},
                "problem": None if problem is None else {
                    "sequence": problem.sequence, "record_id": problem.record_id, "reason": problem.reason,
                },
                "checked_at": result.checked_at.isoformat(),
            }
        )
    else:
        make_console().print(Text(result.summary(), style="green" if result.ok else "bold red"))
    return EXIT_OK if result.ok else EXIT_FAILED
