"""The inventory verbs of the ``mltrack`` command line: add, list, show, update, delete, sample-data.

Each verb is a thin interface over the same services, filters and permissions as the web console.
Building the parser imports nothing from Django, so ``mltrack --version`` and usage errors need no
database; the handlers import models and services when they run, after ``django.setup()``.

Exit codes: 0 success; 1 failed validation, not found, permission denied or refused; 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import AbstractBaseUser
    from rich.console import Console

    from inventory.models import AIModel, AIModelQuerySet
    from inventory.services import Actor

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

NO_ACCOUNT_MESSAGE = "No user account named {name}. Create it or drop --user."
NO_ACCOUNT_ENV_MESSAGE = "No user account named {name} (from MLTRACK_USER). Create it or unset MLTRACK_USER."
INACTIVE_ACCOUNT_MESSAGE = "The user account {name} is deactivated, so the CLI cannot act for it."
ACCOUNT_REQUIRED_MESSAGE = (
    "This installation requires a user account for the CLI (MLTRACK_CLI_REQUIRE_ACCOUNT is on), and the "
    "operating-system user {login!r} has none. Pass --user NAME or set MLTRACK_USER."
)
PERMISSION_DENIED_MESSAGE = "Permission denied: {who} (role: {role}) may not {action}."
NOT_FOUND_MESSAGE = 'No model named "{name}".'
DID_YOU_MEAN_MESSAGE = " Did you mean: {names}?"
MISSING_FIELD_MESSAGE = "Required: pass {flag}."
REQUIRED_ANSWER_MESSAGE = "Required: enter a value."
UNKNOWN_OWNER_MESSAGE = "No user account named {name}. Give the username of an existing account."
NOTHING_TO_UPDATE_MESSAGE = "nothing to change: give at least one field flag, e.g. --status deprecated"
BAD_CHOICE_USAGE_MESSAGE = "argument {flag}: {value!r} is not allowed. Allowed values: {allowed}."
BAD_SORT_USAGE_MESSAGE = "argument --sort: {value!r} is not a sort key. Sort keys: {allowed} (prefix - to reverse)."
NO_SUCH_PAGE_MESSAGE = "Page {page:,} does not exist: {count:,} model(s) make {pages:,} page(s) of {per_page}."
CONFIRM_NEEDS_YES_MESSAGE = (
    "Not deleting {name}: there is no terminal to confirm on. Pass --yes to delete without asking."
)

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 500
DEFAULT_SAMPLE_COUNT = 20
# Did-you-mean compares against every name in a small inventory, and otherwise against names
# sharing the first or last three characters, at most this many of each (bounded at 100,000).
SUGGESTION_POOL = 5000

# Model field -> command-line flag, for add and update (update also takes --status).
FIELD_FLAGS: dict[str, str] = {
    "model_name": "--name",
    "vendor": "--vendor",
    "risk_tier": "--risk-tier",
    "use_case": "--use-case",
    "business_owner": "--business-owner",
    "technical_owner": "--technical-owner",
    "deployment_date": "--deployment-date",
    "model_version": "--version",
    "deployment_environment": "--environment",
    "api_endpoint": "--api-endpoint",
    "data_classification": "--data-classification",
    "model_type": "--model-type",
    "business_line": "--business-line",
    "notes": "--notes",
    "owner": "--owner",
    "status": "--status",
}
# Help texts name the allowed values; a test keeps them in step with the models' choices.
FIELD_HELP: dict[str, str] = {
    "model_name": "unique name, e.g. fraud-detection-v2 (compared without regard to case)",
    "vendor": "provider: Anthropic, OpenAI, AWS, In-house, ...",
    "risk_tier": "critical, high, medium or low (decides the review cycle)",
    "use_case": "the business use the model serves",
    "business_owner": "accountable business stakeholder",
    "technical_owner": "team or person maintaining the model",
    "deployment_date": "YYYY-MM-DD or 'today'; not in the future",
    "model_version": "the model's version identifier",
    "deployment_environment": "prod, staging or dev",
    "api_endpoint": "http(s) URL the model is served or called at",
    "data_classification": "public, internal, confidential or restricted",
    "model_type": "statistical, ml, generative_ai, agentic_ai, rules or vendor",
    "business_line": "business unit using the model, e.g. Retail Banking",
    "notes": "free text",
    "owner": "the user account that owns the model ('' for none)",
    "status": "active, deprecated or decommissioned (forward only)",
}
FIELD_METAVARS: dict[str, str] = {
    "model_name": "NAME",
    "risk_tier": "TIER",
    "deployment_date": "DATE",
    "deployment_environment": "ENV",
    "api_endpoint": "URL",
    "data_classification": "CLASS",
    "model_type": "TYPE",
    "owner": "USERNAME",
    "status": "STATUS",
}  # every other field: TEXT
LIST_FILTERS: dict[str, tuple[str, str]] = {
    # option dest -> (FilterSet parameter, flag)
    "risk": ("risk_tier", "--risk"),
    "environment": ("deployment_environment", "--environment"),
    "status": ("status", "--status"),
}


class CLIError(Exception):
    """An expected failure: the message goes to stderr and the process exits with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def usage_error(args: argparse.Namespace, message: str) -> None:
    """Report a usage problem found after parsing, the way argparse does (usage line, exit 2)."""
    args.verb_parser.error(message)


# Actor ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CLIActor:
    """Who the CLI acts for: a user account (permissions apply) or a local operator (they do not)."""

    actor: Actor
    user: AbstractBaseUser | None

    def require(self, allowed: Callable[[AbstractBaseUser], bool], action: str) -> None:
        if self.user is None or allowed(self.user):
            return
        from inventory.roles import role_of

        raise CLIError(
            PERMISSION_DENIED_MESSAGE.format(who=self.actor.name, role=role_of(self.user) or "none", action=action)
        )

    def may(self, allowed: Callable[[AbstractBaseUser], bool]) -> bool:
        return self.user is None or allowed(self.user)


def os_login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def resolve_actor(args: argparse.Namespace) -> CLIActor:
    """--user / MLTRACK_USER names an account; otherwise the operating-system login's account if it
    has one; otherwise a local operator with direct database access, unless accounts are required."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from inventory.services import Actor

    users = get_user_model().objects
    named = getattr(args, "user", None)
    from_env = False
    if not named:
        named = os.environ.get("MLTRACK_USER", "").strip()
        from_env = bool(named)
    if named:
        user = users.filter(username=named).first()
        if user is None:
            raise CLIError((NO_ACCOUNT_ENV_MESSAGE if from_env else NO_ACCOUNT_MESSAGE).format(name=named))
        if not user.is_active:
            raise CLIError(INACTIVE_ACCOUNT_MESSAGE.format(name=named))
        return CLIActor(Actor.for_user(user), user)
    login = os_login()
    user = users.filter(username=login).first()
    if user is not None:
        # A deactivated account must not fall back to the unrestricted local operator.
        if not user.is_active:
            raise CLIError(INACTIVE_ACCOUNT_MESSAGE.format(name=login))
        return CLIActor(Actor.for_user(user), user)
    if settings.MLTRACK_CLI_REQUIRE_ACCOUNT:
        raise CLIError(ACCOUNT_REQUIRED_MESSAGE.format(login=login))
    return CLIActor(Actor.os_user(), None)


# Looking models up ---------------------------------------------------------------------------


def similar_names(name: str, *, limit: int = 3) -> list[str]:
    """Up to ``limit`` model names close to ``name``, from a bounded set of candidates."""
    from difflib import get_close_matches

    from inventory.models import AIModel

    name = name.strip()
    names = AIModel.objects.order_by().values_list("model_name", flat=True)
    pool = list(names[: SUGGESTION_POOL + 1])
    if len(pool) > SUGGESTION_POOL:
        pool = []
        for piece, lookup in ((name[:3], "istartswith"), (name[-3:], "iendswith")):
            if piece:
                pool += names.filter(**{f"model_name__{lookup}": piece}).order_by("model_name")[:SUGGESTION_POOL]
    by_lower = {candidate.lower(): candidate for candidate in pool}
    return [by_lower[m] for m in get_close_matches(name.lower(), sorted(by_lower), n=limit, cutoff=0.6)]


def find_model(name: str, queryset: AIModelQuerySet | None = None) -> AIModel:
    from inventory.models import AIModel

    queryset = queryset if queryset is not None else AIModel.objects.for_detail()
    model = queryset.by_name(name).first()
    if model is None:
        message = NOT_FOUND_MESSAGE.format(name=name)
        suggestions = similar_names(name)
        if suggestions:
            message += DID_YOU_MEAN_MESSAGE.format(names=", ".join(suggestions))
        raise CLIError(message)
    return model


# Field values --------------------------------------------------------------------------------


def given_fields(args: argparse.Namespace, names: Mapping[str, str]) -> dict[str, str]:
    """The field flags the user passed (an empty string counts: it clears an optional field)."""
    return {field: getattr(args, field) for field in names if getattr(args, field, None) is not None}


def field_label(field: str) -> str:
    from django.core.exceptions import FieldDoesNotExist

    from inventory.models import AIModel

    if field == "__all__":
        return ""
    flag = FIELD_FLAGS.get(field)
    try:
        label = str(AIModel._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        label = field
    return f"{flag} ({label})" if flag else label


def required_fields() -> list[str]:
    from inventory.models import AIModel
    from inventory.services import EDITABLE_FIELDS

    return [name for name in EDITABLE_FIELDS if name != "owner" and not AIModel._meta.get_field(name).blank]


def resolve_owner(username: str) -> AbstractBaseUser | None:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    username = username.strip()
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({"owner": [UNKNOWN_OWNER_MESSAGE.format(name=username)]})
    return user


def parse_fields(raw: Mapping[str, Any], *, today: dt.date) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Normalize each given field on its own, so every bad value is reported, not just the first."""
    from django.core.exceptions import ValidationError

    from inventory import services

    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in raw.items():
        if name == "deployment_date" and isinstance(value, str) and value.strip().lower() == "today":
            value = today
        try:
            if name == "owner":
                clean[name] = resolve_owner(value) if isinstance(value, str) else value
            else:
                clean.update(services.normalize({name: value}))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return clean, errors


def collect_errors(errors: dict[str, list[str]], check: Callable[[], object]) -> None:
    """Run a service check; add its field errors for fields that do not already have one."""
    from django.core.exceptions import ValidationError

    try:
        check()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)


def ordered(errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Errors in the order of the flags, then anything else."""
    keys = [f for f in FIELD_FLAGS if f in errors] + [f for f in errors if f not in FIELD_FLAGS]
    return {key: list(errors[key]) for key in keys}


def fail_validation(console: Console, title: str, errors: Mapping[str, list[str]]) -> int:
    from inventory.cli_output import field_errors

    errors = ordered(errors)
    labels = {field: field_label(field) for field in errors}
    count = sum(len(m) for m in errors.values())
    heading = f"{title}: {count} problem{'s' if count != 1 else ''}. Nothing was saved."
    console.print(field_errors(heading, errors, labels))
    return EXIT_FAILED


# add -----------------------------------------------------------------------------------------


def handle_add(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from inventory import permissions, services
    from inventory.cli_output import make_console, model_panel

    who = resolve_actor(args)
    who.require(permissions.can_add, "add models")
    today = timezone.localdate()
    out, err = make_console(), make_console(stderr=True)
    raw = given_fields(args, {k: v for k, v in FIELD_FLAGS.items() if k != "status"})
    may_assign = who.may(permissions.can_assign_owner)
    if "owner" in raw and not may_assign and raw["owner"].strip() != who.actor.name:
        who.require(permissions.can_assign_owner, "assign a model's owner account (you own the models you add)")
    if not may_assign:
        # As in the console: a model owner who registers a model owns it.
        raw["owner"] = who.user

    if args.interactive:
        model = add_interactively(who=who, given=raw, may_assign=may_assign, today=today, out=out, err=err)
    else:
        clean, errors = parse_fields(raw, today=today)
        for name in required_fields():
            if name not in raw:
                errors.setdefault(name, [MISSING_FIELD_MESSAGE.format(flag=FIELD_FLAGS[name])])
        collect_errors(errors, lambda: services.prepare_new_model(data=clean, today=today))
        if errors:
            return fail_validation(err, "Could not add the model", errors)
        try:
            model = services.create_model(data=clean, actor=who.actor, today=today)
        except ValidationError as exc:
            return fail_validation(err, "Could not add the model", exc.message_dict)
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
            if not problems and field == "model_name" and AIModel.objects.by_name(clean[field]).exists():
                problems = [DUPLICATE_NAME_MESSAGE]
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
    values: dict[str, Any] = {} if may_assign else {"owner": given.get("owner")}
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
                    fail_validation(err, "Could not add the model", errors)
                    raise CLIError("Nothing was saved.") from None
                for name in retry:
                    for problem in errors[name]:
                        out.print(Text(f"  ✗ {field_label(name)}: {problem}", style="red"))
                    values[name] = ask_field(name, default=None, required=name in required, today=today, out=out)
    except (EOFError, KeyboardInterrupt):
        raise CLIError("\nCancelled: nothing was saved.") from None


# list ----------------------------------------------------------------------------------------


def list_params(args: argparse.Namespace) -> dict[str, str]:
    """Check the list options against the models' choices and the sort keys (usage errors, exit 2)
    and turn them into AIModelFilterSet parameters."""
    from inventory.filters import SORTS
    from inventory.services import ENUM_FIELDS

    params: dict[str, str] = {}
    for dest, (param, flag) in LIST_FILTERS.items():
        value = getattr(args, dest)
        if value is None:
            continue
        value = value.strip().lower()
        allowed = ENUM_FIELDS[param].values
        if value not in allowed:
            usage_error(args, BAD_CHOICE_USAGE_MESSAGE.format(flag=flag, value=value, allowed=", ".join(allowed)))
        params[param] = value
    if args.vendor is not None:
        params["vendor"] = args.vendor.strip()
    if args.search is not None:
        params["q"] = args.search
    if args.sort is not None:
        keys = [key.strip().lower() for key in args.sort.split(",") if key.strip()]
        for key in keys:
            if key.removeprefix("-") not in SORTS:
                usage_error(args, BAD_SORT_USAGE_MESSAGE.format(value=key, allowed=", ".join(SORTS)))
        params["sort"] = ",".join(keys)
    return params


def next_page_command(args: argparse.Namespace, page: int) -> str:
    words = ["mltrack", "list"]
    for dest in ("risk", "vendor", "environment", "status", "search", "sort"):
        value = getattr(args, dest)
        if value is not None:
            # "--sort=-name": a separate "-name" would read as an option.
            words += [f"--{dest}={value}"] if value.startswith("-") else [f"--{dest}", value]
    if args.per_page != DEFAULT_PER_PAGE:
        words += ["--per-page", str(args.per_page)]
    words += ["--page", str(page)]
    return shlex.join(words)


def handle_list(args: argparse.Namespace) -> int:
    from django.core.paginator import EmptyPage, Paginator
    from django.utils import timezone

    from inventory import permissions
    from inventory.filters import AIModelFilterSet
    from inventory.models import AIModel

    params = list_params(args)
    who = resolve_actor(args)
    who.require(permissions.can_view, "view the inventory")
    today = timezone.localdate()
    # JSON carries the policy version, so it loads the policy with each row (still one query).
    base = AIModel.objects.for_detail() if args.json else AIModel.objects.for_list()
    filterset = AIModelFilterSet(params, queryset=base, today=today)
    if not filterset.is_valid():
        usage_error(args, "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items()))
    # Query budget: one COUNT and one page SELECT, whatever the inventory size.
    paginator = Paginator(filterset.qs, args.per_page)
    try:
        page = paginator.page(args.page)
    except EmptyPage:
        raise CLIError(
            NO_SUCH_PAGE_MESSAGE.format(
                page=args.page, count=paginator.count, pages=paginator.num_pages, per_page=args.per_page
            )
        ) from None
    models = list(page.object_list)

    if args.json:
        from inventory.cli_output import model_json, print_json

        print_json(
            {
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "per_page": args.per_page,
                "results": [model_json(model, today=today) for model in models],
            }
        )
        return EXIT_OK

    from inventory.cli_output import make_console, model_table, page_footer

    out = make_console()
    if not models:
        filtered = params.keys() - {"sort"}
        out.print("No models match." if filtered else "The inventory is empty. Add a model with: mltrack add -i")
        return EXIT_OK
    out.print(model_table(models, today=today))
    out.print(
        page_footer(
            page=page.number,
            pages=paginator.num_pages,
            count=paginator.count,
            next_command=next_page_command(args, page.number + 1) if page.has_next() else None,
        )
    )
    return EXIT_OK


# show ----------------------------------------------------------------------------------------


def handle_show(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from inventory import permissions
    from inventory.history import model_history

    who = resolve_actor(args)
    who.require(permissions.can_view, "view the inventory")
    today = timezone.localdate()
    model = find_model(args.name)
    history = model_history(model)
    if args.json:
        from inventory.cli_output import history_json, model_json, print_json

        policy = model.review_policy
        print_json(
            {
                "model": model_json(model, today=today),
                "schedule": {
                    "review_cycle_days": policy.cycle_days(model.risk_tier),
                    "review_policy_version": policy.version,
                    "review_policy_effective_date": policy.effective_date.isoformat(),
                    "days_until_due": model.days_until_due(today=today),
                    "overdue": model.is_overdue(today=today),
                },
                "history": history_json(history),
            }
        )
        return EXIT_OK
    from inventory.cli_output import history_table, make_console, model_panel

    out = make_console()
    out.print(model_panel(model, today=today, title=model.model_name))
    out.print(history_table(history))
    return EXIT_OK


# update --------------------------------------------------------------------------------------


def handle_update(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from inventory import permissions, services
    from inventory.cli_output import make_console, model_panel
    from inventory.models import AIModel

    raw = given_fields(args, FIELD_FLAGS)
    if not raw:
        usage_error(args, NOTHING_TO_UPDATE_MESSAGE)
    who = resolve_actor(args)
    # Checked before the lookup so that suggestions never show names to someone who may not see them.
    who.require(permissions.can_view, "view the inventory")
    model = find_model(args.name)
    who.require(
        lambda user: permissions.can_edit(user, model),
        f"change {model.model_name} (model owners may change only the models they own)",
    )
    if "owner" in raw:
        who.require(permissions.can_assign_owner, "change a model's owner account")
    today = timezone.localdate()
    out, err = make_console(), make_console(stderr=True)

    clean, errors = parse_fields(raw, today=today)

    def fresh() -> AIModel:
        # The services change the instance they check, so each check gets its own copy.
        return AIModel.objects.get(pk=model.pk)

    # The lifecycle check stops at the first problem, so it runs apart from the field checks.
    if "status" in clean:
        status = {"status": clean["status"]}
        collect_errors(errors, lambda: services.prepare_changes(model=fresh(), changes=status, today=today))
    rest = {k: v for k, v in clean.items() if k != "status"}
    collect_errors(errors, lambda: services.prepare_changes(model=fresh(), changes=rest, today=today))
    if errors:
        return fail_validation(err, f"Could not update {model.model_name}", errors)

    changed = {name: (getattr(model, name), value) for name, value in clean.items() if getattr(model, name) != value}
    if not changed:
        out.print(f"Nothing to change: {model.model_name} already has these values.", markup=False)
        return EXIT_OK
    try:
        services.update_model(
            model=model, changes={name: clean[name] for name in changed}, actor=who.actor, today=today
        )
    except ValidationError as exc:
        return fail_validation(err, f"Could not update {model.model_name}", exc.message_dict)
    model = AIModel.objects.for_detail().get(pk=model.pk)
    out.print(model_panel(model, today=today, title=f"✓ Updated {model.model_name}", changes=changed))
    return EXIT_OK


# delete --------------------------------------------------------------------------------------


def handle_delete(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from inventory import permissions, services
    from inventory.cli_output import make_console

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


# sample-data ---------------------------------------------------------------------------------


def handle_sample_data(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from inventory import permissions, sample_data
    from inventory.cli_output import make_console

    if not 1 <= args.count <= sample_data.MAX_COUNT:
        usage_error(args, f"argument -n/--count: give a whole number from 1 to {sample_data.MAX_COUNT:,}")
    who = resolve_actor(args)
    who.require(lambda user: user.has_perm(permissions.SAMPLE_DATA), "generate sample data")
    started = time.perf_counter()
    try:
        result = sample_data.generate(
            count=args.count, seed=args.seed, actor=who.actor, today=timezone.localdate(), clear_first=args.clear
        )
    except sample_data.ClearRefused as exc:
        raise CLIError(str(exc)) from None
    elapsed = time.perf_counter() - started
    out = make_console()
    if args.clear:
        out.print(f"Cleared {result.cleared:,} model{'s' if result.cleared != 1 else ''}.")
    out.print(
        f"Created {result.created:,} sample model{'s' if result.created != 1 else ''} "
        f"(seed {result.seed}) in {elapsed:.1f} s."
    )
    out.print(f"The same seed, count and day give the same models: --seed {result.seed}", markup=False)
    return EXIT_OK


# Parser --------------------------------------------------------------------------------------


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is less than 1")
    return value


def per_page(text: str) -> int:
    value = positive_int(text)
    if value > MAX_PER_PAGE:
        raise argparse.ArgumentTypeError(f"{value} is more than the maximum of {MAX_PER_PAGE}")
    return value


def user_option() -> argparse.ArgumentParser:
    """--user, also accepted after the verb (SUPPRESS keeps a value given before the verb)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--user", metavar="NAME", default=argparse.SUPPRESS, help="act for this user account (or set MLTRACK_USER)"
    )
    return parent


def add_field_flags(parser: argparse.ArgumentParser, *, with_status: bool) -> None:
    group = parser.add_argument_group("model fields")
    for field, flag in FIELD_FLAGS.items():
        if field == "status" and not with_status:
            continue
        group.add_argument(flag, dest=field, metavar=FIELD_METAVARS.get(field, "TEXT"), help=FIELD_HELP[field])


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the inventory verbs to the ``mltrack`` parser."""
    parents = [user_option()]

    add = subparsers.add_parser(
        "add",
        parents=parents,
        help="add a model to the inventory",
        description="Add a model. Required: --name --vendor --risk-tier --use-case --business-owner "
        "--technical-owner --deployment-date. Every problem is reported at once and nothing is saved.",
    )
    add.add_argument(
        "-i", "--interactive", action="store_true", help="ask for each field (given flags become defaults)"
    )
    add_field_flags(add, with_status=False)
    add.set_defaults(handler=handle_add, verb_parser=add)

    lst = subparsers.add_parser(
        "list", parents=parents, help="list models, a page at a time", description="List models, filtered and sorted."
    )
    lst.add_argument("--risk", metavar="TIER", help="critical, high, medium or low")
    lst.add_argument("--vendor", metavar="NAME", help="exact vendor name, any case")
    lst.add_argument("--environment", metavar="ENV", help="prod, staging or dev")
    lst.add_argument("--status", metavar="STATUS", help="active, deprecated or decommissioned")
    lst.add_argument("--search", metavar="TEXT", help="text in the name, vendor, use case or owners")
    lst.add_argument(
        "--sort",
        metavar="KEY",
        help="name, vendor, risk, status, environment, deployed, next_review, last_review or added; "
        "prefix - to reverse; comma-separate several",
    )
    lst.add_argument("--page", type=positive_int, default=1, metavar="N", help="page number (default 1)")
    lst.add_argument(
        "--per-page", type=per_page, default=DEFAULT_PER_PAGE, metavar="N",
        help=f"models per page (default {DEFAULT_PER_PAGE}, at most {MAX_PER_PAGE})",
    )
    lst.add_argument("--json", action="store_true", help="print the page as JSON")
    lst.set_defaults(handler=handle_list, verb_parser=lst)

    show = subparsers.add_parser(
        "show", parents=parents, help="show one model with its schedule and change history",
        description="Show every field of a model, its review schedule and its change history.",
    )
    show.add_argument("name", metavar="NAME", help="model name (any case)")
    show.add_argument("--json", action="store_true", help="print as JSON")
    show.set_defaults(handler=handle_show, verb_parser=show)

    update = subparsers.add_parser(
        "update", parents=parents, help="change a model's fields or status",
        description="Change the fields given; the others keep their values. Status moves forward only: "
        "active -> deprecated -> decommissioned.",
    )
    update.add_argument("name", metavar="NAME", help="model name (any case)")
    add_field_flags(update, with_status=True)
    update.set_defaults(handler=handle_update, verb_parser=update)

    delete = subparsers.add_parser(
        "delete", parents=parents, help="delete a model that was never reviewed",
        description="Delete a model that was never reviewed. A reviewed model is kept: decommission it instead.",
    )
    delete.add_argument("name", metavar="NAME", help="model name (any case)")
    delete.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=handle_delete, verb_parser=delete)

    sample = subparsers.add_parser(
        "sample-data", parents=parents, help="generate a realistic demo inventory",
        description="Add realistic financial-services sample models (deterministic for a seed).",
    )
    sample.add_argument(
        "-n", "--count", type=int, default=DEFAULT_SAMPLE_COUNT, metavar="N",
        help=f"how many models to add (default {DEFAULT_SAMPLE_COUNT})",
    )
    sample.add_argument("--clear", action="store_true", help="delete every model first (refused once reviews exist)")
    sample.add_argument("--seed", type=int, metavar="S", help="random seed, to get the same models again")
    sample.set_defaults(handler=handle_sample_data, verb_parser=sample)
