"""mltrack reviews (one model's audit trail) and mltrack verify (the whole chain)."""

from __future__ import annotations

import argparse
from pathlib import Path

from common.cli import EXIT_FAILED, EXIT_OK, CLIError, add_verb, make_console, print_json, resolve_actor
from inventory.cli.lookup import find_model


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the reviews and verify verbs."""
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
    verify.add_argument(
        "--checkpoint", metavar="FILE", action="append", default=[], type=Path,
        help="also hold the chain to this signed checkpoint file (repeatable): proves nothing at or before it "
        "was removed, altered or reordered",
    )
    verify.add_argument(
        "--public-key", metavar="FILE", action="append", default=[], type=Path,
        help="also trust signatures by this Ed25519 public key (PEM; repeatable), e.g. an earlier key",
    )


def handle_reviews(args: argparse.Namespace) -> int:
    from inventory import permissions as inventory_permissions
    from reviews import permissions
    from reviews.cli.output import trail_json, trail_renderables
    from reviews.drift import drift_against

    who = resolve_actor(args)
    who.require(inventory_permissions.can_view, "view the inventory")
    who.require(permissions.can_view, "view review records")
    model = find_model(args.name)
    records = list(model.reviews.select_related("reviewer_user").newest_first())
    drift = drift_against(model, records[0] if records else None)
    if args.json:
        print_json(trail_json(model, records, drift))
        return EXIT_OK
    out = make_console()
    for renderable in trail_renderables(model, records, drift):
        out.print(renderable)
    return EXIT_OK


def handle_verify(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from reviews import permissions
    from reviews.cli.output import verification_json, verification_renderables
    from reviews.verify import verify_chain

    who = resolve_actor(args)
    who.require(permissions.can_view, "verify the audit trail")
    for path in [*args.checkpoint, *args.public_key]:
        if not path.is_file():
            raise CLIError(f"{path}: no such file.")
    try:
        result = verify_chain(now=timezone.now(), checkpoint_by=who.actor, checkpoint_files=args.checkpoint,
                              public_keys=args.public_key)
    except ValueError as exc:  # a --public-key file that is not an Ed25519 public key
        raise CLIError(str(exc)) from None
    if args.json:
        print_json(verification_json(result))
        return EXIT_OK if result.ok else EXIT_FAILED
    out = make_console()
    for renderable in verification_renderables(result):
        out.print(renderable)
    return EXIT_OK if result.ok else EXIT_FAILED
