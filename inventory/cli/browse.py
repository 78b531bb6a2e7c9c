"""mltrack list and mltrack show: reading the inventory, as tables and panels or as JSON."""

from __future__ import annotations

import argparse
import shlex
from typing import TYPE_CHECKING

from common.cli import (
    EXIT_OK,
    CLIError,
    add_verb,
    make_console,
    positive_int,
    positive_int_up_to,
    print_json,
    resolve_actor,
)
from common.cli.errors import NO_SUCH_PAGE
from inventory.cli.filters import add_filter_options, inventory_filter
from inventory.cli.lookup import find_model

if TYPE_CHECKING:
    from inventory.cli.inventory_filter import InventoryFilter

NO_MATCH_MESSAGE = "No models match."
EMPTY_INVENTORY_MESSAGE = "The inventory is empty. Add a model with: mltrack add -i"
NO_SUCH_PAGE_MESSAGE = "Page {page:,} does not exist: {count:,} model(s) make {pages:,} page(s) of {per_page}."

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 500


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the list and show verbs."""
    lst = add_verb(
        subparsers,
        "list",
        handle_list,
        help="list models, a page at a time",
        description="List models, filtered and sorted, with the filters of the console's inventory list.",
    )
    add_filter_options(lst, classification=True, review=True, search=True, sort=True)
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


def next_page_command(selection: InventoryFilter, *, per_page: int, page: int) -> str:
    """The ``mltrack list`` command for ``page`` of the same filtered, sorted list."""
    words = ["mltrack", "list", *selection.flags()]
    if per_page != DEFAULT_PER_PAGE:
        words += ["--per-page", str(per_page)]
    words += ["--page", str(page)]
    return shlex.join(words)


def handle_list(args: argparse.Namespace) -> int:
    from django.core.paginator import EmptyPage, Paginator
    from django.utils import timezone

    from inventory import permissions
    from inventory.models import AIModel

    selection = inventory_filter(args)
    who = resolve_actor(args)
    who.require(permissions.can_view, "view the inventory")
    today = timezone.localdate()
    # JSON carries the policy version, so it loads the policy with each row (still one query).
    base = AIModel.objects.for_detail() if args.json else AIModel.objects.for_list()
    # Query budget: one COUNT and one page SELECT, whatever the inventory size.
    paginator = Paginator(selection.apply(base, today=today), args.per_page)
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
        out.print(NO_MATCH_MESSAGE if selection.narrows else EMPTY_INVENTORY_MESSAGE)
        return EXIT_OK
    out.print(model_table(models, today=today))
    next_command = (
        next_page_command(selection, per_page=args.per_page, page=page.number + 1) if page.has_next() else None
    )
    # Not wrapped by rich (the terminal may fold it), so that the next-page command copies whole.
    footer = page_footer(page=page.number, pages=paginator.num_pages, count=paginator.count, next_command=next_command)
    out.print(footer, soft_wrap=True)
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

