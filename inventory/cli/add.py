"""mltrack add: register a model from field flags, or interactively (-i), one field at a time."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from common.cli import EXIT_OK, CLIActor, CLIError, add_verb, make_console, resolve_actor
from inventory.cli.fields import (
    FIELD_FLAGS,
    add_field_flags,
    collect_errors,
    fail_fields,
    field_label,
    given_fields,
    parse_fields,
    required_fields,
)

if TYPE_CHECKING:
    import datetime as dt

    from rich.console import Console

    from inventory.models import AIModel

MISSING_FIELD_MESSAGE = "Required: pass {flag}."
REQUIRED_ANSWER_MESSAGE = "Required: enter a value."


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the add verb."""
    add = add_verb(
        subparsers,
        "add",
        handle_add,
        help="add a model to the inventory",
        description="Add a model. Required: --name --vendor --risk-tier --use-case --business-owner "
        "--technical-owner --deployment-date. Every problem is reported at once and nothing is saved.",
    )
    add.add_argument(
        "-i", "--interactive", action="store_true", help="ask for each field (given flags become defaults)"
    )
    add_field_flags(add, with_status=False)


def handle_add(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from inventory import permissions, services
    from inventory.cli.output import model_panel

    who = resolve_actor(args)
    who.require(permissions.can_add, "add models")
    today = timezone.localdate()
    out, err = make_console(), make_console(stderr=True)
    raw = given_fields(args, {k: v for k, v in FIELD_FLAGS.items() if k != "status"})
    # Who owns the new model is the service's rule (a model owner owns what they register); the
    # interactive prompt only asks those who may choose.
    may_assign = who.may(permissions.can_assign_owner)

    if args.interactive:
        model = add_interactively(who=who, given=raw, may_assign=may_assign, today=today, out=out, err=err)
    else:
        clean, errors = parse_fields(raw, today=today)
        for name in required_fields():
            if name not in raw:
                errors.setdefault(name, [MISSING_FIELD_MESSAGE.format(flag=FIELD_FLAGS[name])])
        collect_errors(errors, lambda: services.prepare_new_model(data=clean, actor=who.actor, today=today))
        if errors:
            return fail_fields(err, "Could not add the model", errors)
        try:
            model = services.create_model(data=clean, actor=who.actor, today=today)
        except ValidationError as exc:
            return fail_fields(err, "Could not add the model", exc.message_dict)
    out.print(model_panel(model, today=today, title=f"✓ Added {model.model_name}"))
    return EXIT_OK


def prompt_label(field: str, *, required: bool) -> str:
    from rich.markup import escape

    from inventory.models import AIModel
    from inventory.services import ENUM_FIELDS

    model_field = AIModel._meta.get_field(field)
    label = "owner account (username)" if field == "owner" else str(model_field.verbose_name)
    text = f"[bold]{'*' if required else ' '} {escape(label[:1].upper() + label[1:])}[/]"
    if field in ENUM_FIELDS:
        text += f" [cyan]({'/'.join(ENUM_FIELDS[field].values)})[/]"
    elif field == "deployment_date":
        text += " [cyan](YYYY-MM-DD or today)[/]"
    elif model_field.help_text and field != "owner":
        text += f" [dim]— {escape(str(model_field.help_text).rstrip('.'))}[/]"
    return text


def ask_field(field: str, *, default: Any, required: bool, today: dt.date, out: Console) -> Any:
    """Ask for one field until its value passes the field's own checks; return the clean value."""
    from django.core.exceptions import ValidationError
    from rich.prompt import Prompt
    from rich.text import Text

    from common.text import escape_line
    from inventory.models import DUPLICATE_NAME_MESSAGE, AIModel

    label = prompt_label(field, required=required)
    shown_default = default.get_username() if hasattr(default, "get_username") else default
    while True:
        answer = Prompt.ask(
            label, console=out, default=str(shown_default) if shown_default else "", show_default=bool(shown_default)
        )
        answer = answer.strip()
        if not answer and required:
            problems = [REQUIRED_ANSWER_MESSAGE]
        else:
            clean, errors = parse_fields({field: answer}, today=today)
            problems = errors.get(field, [])
            if not problems and field != "owner":
                try:
                    clean[field] = AIModel._meta.get_field(field).clean(clean[field], None)
                except ValidationError as exc:
                    problems = exc.messages
            if not problems and field == "model_name":
                existing = AIModel.objects.named(clean[field]).values_list("model_name", flat=True).first()
                if existing is not None:
                    problems = [DUPLICATE_NAME_MESSAGE.format(existing=escape_line(existing))]
            if not problems:
                return clean[field]
        for problem in problems:
            out.print(Text(f"  ✗ {problem}", style="red"))


def add_interactively(
    *, who: CLIActor, given: dict[str, Any], may_assign: bool, today: dt.date, out: Console, err: Console
) -> AIModel:
    """Prompt for each field (flags given become defaults), re-asking any that is invalid; then save,
    and re-ask whichever field the whole-model checks reject (duplicate name, future date, ...)."""
    from django.core.exceptions import ValidationError
    from rich.panel import Panel
    from rich.text import Text

    from inventory import services

    required = set(required_fields())
    fields = [name for name in services.EDITABLE_FIELDS if name != "owner" or may_assign]
    out.print(
        Panel(
            "Enter model details below.\n"
            "Required fields are marked with *. Press Enter to leave an optional field empty.",
            title="Add a new AI model",
            expand=False,
        )
    )
    values: dict[str, Any] = {}
    try:
        for name in fields:
            values[name] = ask_field(name, default=given.get(name), required=name in required, today=today, out=out)
        while True:
            try:
                return services.create_model(data=values, actor=who.actor, today=today)
            except ValidationError as exc:
                errors = exc.message_dict
                retry = [name for name in fields if name in errors]
                if not retry or set(errors) - set(retry):
                    fail_fields(err, "Could not add the model", errors)
                    raise CLIError("Nothing was saved.") from None
                for name in retry:
                    for problem in errors[name]:
                        out.print(Text(f"  ✗ {field_label(name)}: {problem}", style="red"))
                    values[name] = ask_field(name, default=None, required=name in required, today=today, out=out)
    except (EOFError, KeyboardInterrupt):
        raise CLIError("\nCancelled: nothing was saved.") from None

