"""mltrack update and mltrack delete: changing a model's fields or status, and deleting a model."""

from __future__ import annotations

import argparse
import sys

from common.cli import EXIT_OK, CLIError, add_verb, make_console, resolve_actor, usage_error
from inventory.cli.fields import FIELD_FLAGS, add_field_flags, collect_errors, fail_fields, given_fields, parse_fields
from inventory.cli.lookup import find_model

NOTHING_TO_UPDATE_MESSAGE = "nothing to change: give at least one field flag, e.g. --status deprecated"
CONFIRM_NEEDS_YES_MESSAGE = (
    "Not deleting {name}: there is no terminal to confirm on. Pass --yes to delete without asking."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the update and delete verbs."""
    update = add_verb(
        subparsers, "update", handle_update, help="change a model's fields or status",
        description="Change the fields given; the others keep their values. Status moves forward only: "
        "active -> deprecated -> decommissioned.",
    )
    update.add_argument("name", metavar="NAME", help="model name (any case)")
    add_field_flags(update, with_status=True)
    update.add_argument("--reason", metavar="TEXT", default="",
                        help="why (required with --status decommissioned; kept in the model's history)")

    delete = add_verb(
        subparsers, "delete", handle_delete, help="delete a model that was never reviewed",
        description="Delete a model that was never reviewed. A reviewed model is kept: decommission it instead.",
    )
    delete.add_argument("name", metavar="NAME", help="model name (any case)")
    delete.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")


def handle_update(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from inventory import permissions, services
    from inventory.cli.output import model_panel
    from inventory.models import AIModel

    raw = given_fields(args, FIELD_FLAGS)
    if not raw:
        usage_error(args, NOTHING_TO_UPDATE_MESSAGE)
    who = resolve_actor(args)
    # Checked before the lookup so that suggestions never show names to someone who may not see them.
    who.require(permissions.can_view, "view the inventory")
    model = find_model(args.name)
    reason = permissions.why_not_edit(who.user) if who.user is not None else ""
    who.require(lambda user: permissions.can_edit(user, model), f"change {model.model_name} ({reason})")
    if "owner" in raw:
        who.require(permissions.can_assign_owner, "change a model's owner account")
    today = timezone.localdate()
    out, err = make_console(), make_console(stderr=True)

    clean, errors = parse_fields(raw, today=today)
    # Every problem at once (lifecycle, fields, owner), nothing saved, the model left as it was.
    collect_errors(errors, lambda: services.check_changes(model=model, changes=clean, actor=who.actor, today=today,
                                                          reason=args.reason))
    if errors:
        return fail_fields(err, f"Could not update {model.model_name}", errors)

    changed = {name: (getattr(model, name), value) for name, value in clean.items() if getattr(model, name) != value}
    if not changed:
        out.print(f"Nothing to change: {model.model_name} already has these values.", markup=False)
        return EXIT_OK
    invalidated = services.review_invalidated_by(model, {name: clean[name] for name in changed})
    if invalidated:
        err.print(f"Note: {model.model_name}'s last review ({model.latest_outcome_on.isoformat()}) covered its "
                  f"definition as it was; changing {', '.join(name.replace('_', ' ') for name in invalidated)} makes "
                  "it \"changed since review\" (not compliant) until it is reviewed again.", markup=False)
    try:
        services.update_model(
            model=model, changes={name: clean[name] for name in changed}, actor=who.actor, today=today,
            reason=args.reason,
        )
    except ValidationError as exc:
        return fail_fields(err, f"Could not update {model.model_name}", exc.message_dict)
    model = AIModel.objects.for_detail().get(pk=model.pk)
    out.print(model_panel(model, today=today, title=f"✓ Updated {model.model_name}", changes=changed))
    return EXIT_OK


def handle_delete(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from inventory import permissions, services

    who = resolve_actor(args)
    who.require(permissions.can_delete, "delete models")
    model = find_model(args.name)
    out = make_console()
    if not args.yes:
        if not sys.stdin.isatty():
            raise CLIError(CONFIRM_NEEDS_YES_MESSAGE.format(name=model.model_name))
        from rich.prompt import Confirm
        from rich.text import Text

        question = Text(f"Delete {model.model_name} for good? Its change history is kept.")
        try:
            confirmed = Confirm.ask(question, console=out, default=False)
        except (EOFError, KeyboardInterrupt):
            confirmed = False
        if not confirmed:
            raise CLIError("Cancelled: nothing was deleted.")
    try:
        services.delete_model(model=model, actor=who.actor)
    except ValidationError as exc:
        raise CLIError(" ".join(exc.messages)) from None
    out.print(f"Deleted {model.model_name}.", markup=False)
    return EXIT_OK

