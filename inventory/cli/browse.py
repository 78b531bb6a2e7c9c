"""mltrack list and mltrack show: reading the inventory, as tables and panels or as JSON."""

from __future__ import annotations

import argparse
import shlex

from common.cli import (
    EXIT_OK,
    CLIError,
    add_verb,
    make_console,
    positive_int,
    positive_int_up_to,
    print_json,
    resolve_actor,
    usage_error,
)
from common.cli.errors import INVALID_VALUE, NO_SUCH_PAGE
from inventory.cli.lookup import find_model

BAD_CHOICE_USAGE_MESSAGE = "argument {flag}: {value!r} is not allowed. Allowed values: {allowed}."
BAD_SORT_USAGE_MESSAGE = "argument --sort: {value!r} is not a sort key. Sort keys: {allowed} (prefix - to reverse)."
NO_SUCH_PAGE_MESSAGE = "Page {page:,} does not exist: {count:,} model(s) make {pages:,} page(s) of {per_page}."

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 500
LIST_FILTERS: dict[str, tuple[str, str]] = {
    # option dest -> (FilterSet parameter, flag)
    "risk": ("risk_tier", "--risk"),
    "environment": ("deployment_environment", "--environment"),
    "status": ("status", "--status"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the list and show verbs."""
    lst = add_verb(
        subparsers,
        "list",
        handle_list,
        help="list models, a page at a time",
        description="List models, filtered and sorted.",
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
        "--per-page", type=positive_int_up_to(MAX_PER_PAGE), default=DEFAULT_PER_PAGE, metavar="N",
        help=f"models per page (default {DEFAULT_PER_PAGE}, at most {MAX_PER_PAGE})",
    )
    lst.add_argument("--json", action="store_true", help="print the page as JSON")

    show = add_verb(
        subparsers, "show", handle_show, help="show one model with its schedule and change history",
        description="Show every field of a model, its review schedule and its change history.",
    )
    show.add_argument("name", metavar="NAME", help="model name (any case)")
    show.add_argument("--json", action="store_true", help="print as JSON")


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
            message = BAD_CHOICE_USAGE_MESSAGE.format(flag=flag, value=value, allowed=", ".join(allowed))
            usage_error(args, message, code=INVALID_VALUE, suggestions=allowed)
        params[param] = value
    if args.vendor is not None:
        params["vendor"] = args.vendor.strip()
    if args.search is not None:
        params["q"] = args.search
    if args.sort is not None:
        keys = [key.strip().lower() for key in args.sort.split(",") if key.strip()]
        for key in keys:
            if key.removeprefix("-") not in SORTS:
                message = BAD_SORT_USAGE_MESSAGE.format(value=key, allowed=", ".join(SORTS))
                usage_error(args, message, code=INVALID_VALUE, suggestions=list(SORTS))
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
            ),
            code=NO_SUCH_PAGE,
        ) from None
    models = list(page.object_list)

    if args.json:
        from inventory.cli.output import model_json

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

    from inventory.cli.output import model_table, page_footer

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


def handle_show(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from inventory import permissions
    from inventory.history import model_history

    who = resolve_actor(args)
    who.require(permissions.can_view, "view the inventory")
    today = timezone.localdate()
    model = find_model(args.name)
    # JSON carries stored codes ("high", "prod"), like the model's fields; people read labels.
    history = model_history(model, labels=not args.json)
    if args.json:
        from inventory.cli.output import history_json, model_json

        policy = model.review_policy
        due = model.due_state(today=today)
        print_json(
            {
                "model": model_json(model, today=today),
                "schedule": {
                    "review_cycle_days": policy.cycle_days(model.risk_tier),
                    "review_policy_version": policy.version,
                    "review_policy_effective_date": policy.effective_date.isoformat(),
                    "days_until_due": due.days,
                    "overdue": due.overdue,
                },
                "history": history_json(history),
            }
        )
        return EXIT_OK
    from inventory.cli.output import history_table, model_panel

    out = make_console()
    out.print(model_panel(model, today=today, title=model.model_name))
    out.print(history_table(history))
    return EXIT_OK

