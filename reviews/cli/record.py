"""mltrack reviewed: append a review record to the audit trail and move the model's schedule."""

from __future__ import annotations

import argparse
from typing import Any

from common.cli import EXIT_OK, CLIError, add_verb, fail_validation, make_console, resolve_actor
from inventory.cli.lookup import find_model

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
NOT_RECORDED = "The review was not recorded"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the reviewed verb."""
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


def _flag(field: str) -> str:
    return REVIEWED_FLAGS.get(field, field)


def handle_reviewed(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from inventory import permissions as inventory_permissions
    from reviews import permissions, services
    from reviews.cli.output import recorded_panel

    who = resolve_actor(args)
    who.require(inventory_permissions.can_view, "view the inventory")
    who.require(permissions.can_record, "record reviews")
    model = find_model(args.name)
    today = timezone.localdate()
    errors = make_console(stderr=True)
    reviewer_user = None
    if args.reviewer_user:
        reviewer_user = get_user_model().objects.filter(username=args.reviewer_user).first()
        if reviewer_user is None:
            unknown = {"reviewer_user": [f"No user account named {args.reviewer_user}."]}
            return fail_validation(errors, NOT_RECORDED, unknown, label=_flag)
    corrects = _find_record(args.corrects) if args.corrects else None
    entry = services.ReviewInput(
        review_date=args.review_date, outcome=args.outcome, reviewer=args.reviewer, notes=args.notes,
        reviewer_user=reviewer_user, corrects=corrects,
    )
    try:
        result = services.record_review(model=model, entry=entry, actor=who.actor, today=today, now=timezone.now())
    except ValidationError as exc:
        return fail_validation(errors, NOT_RECORDED, exc.message_dict, order=list(REVIEWED_FLAGS), label=_flag)
    model.refresh_from_db()
    out = make_console()
    for renderable in recorded_panel(result, model, today=today):
        out.print(renderable)
    return EXIT_OK
