"""mltrack dashboard: the web dashboard's figures in the terminal, once or redrawn every N seconds.

Every number comes from reports.portfolio.build_portfolio over the inventory list's filters
(AIModelFilterSet, through the CLI's shared filter options), so the terminal, the web dashboard,
``mltrack validate`` and the reports agree. The layout lives in reports/cli/output/dashboard.py;
``--json`` prints ``Portfolio.as_dict()`` with the filters, for scripts.

Building the parser imports nothing from Django; the handler imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from common.cli import EXIT_OK, add_verb, make_console, print_json, resolve_actor, usage_error
from inventory.cli.filters import add_filter_options, inventory_filter

if TYPE_CHECKING:
    from rich.console import Console

    from inventory.cli.inventory_filter import InventoryFilter

    from reports.portfolio import Portfolio

DEFAULT_INTERVAL = 30
MIN_INTERVAL = 5
# An hour: longer is a cron job's work, and time.sleep refuses absurd values with a traceback.
MAX_INTERVAL = 3600
# Without a terminal (a pipe, a file, a CI log) the dashboard is laid out at this width unless
# COLUMNS says otherwise: wide enough for the side-by-side panels, narrow enough to read.
UNATTENDED_WIDTH = 100

INTERVAL_WITHOUT_WATCH_MESSAGE = "argument --interval: only with --watch"
BAD_INTERVAL_MESSAGE = "{value!r} is not a whole number of seconds"
INTERVAL_TOO_SHORT_MESSAGE = "{value} is less than the minimum of {minimum} seconds"
INTERVAL_TOO_LONG_MESSAGE = "{value} is more than the maximum of {maximum} seconds"
WATCH_FOOTER = "Updated {time} · every {interval}s · Ctrl-C to stop"


def interval_seconds(text: str) -> int:
    """An argparse ``type``: seconds between redraws, MIN_INTERVAL to MAX_INTERVAL."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(BAD_INTERVAL_MESSAGE.format(value=text)) from None
    if value < MIN_INTERVAL:
        raise argparse.ArgumentTypeError(INTERVAL_TOO_SHORT_MESSAGE.format(value=value, minimum=MIN_INTERVAL))
    if value > MAX_INTERVAL:
        raise argparse.ArgumentTypeError(INTERVAL_TOO_LONG_MESSAGE.format(value=value, maximum=MAX_INTERVAL))
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the dashboard verb."""
    verb = add_verb(
        subparsers, "dashboard", handle_dashboard,
        help="the inventory at a glance: counts, compliance, reviews due, vendors, environments",
        description="The web dashboard's figures in the terminal: totals, compliance rate, overdue reviews, "
        "models per risk tier, recent additions, reviews due within 30 days, high-risk production models, "
        "models by vendor and environment, overdue reviews by age and the compliance trend. Filters narrow "
        "every figure, as in mltrack list.",
    )
    add_filter_options(verb)
    output = verb.add_mutually_exclusive_group()
    output.add_argument("--watch", action="store_true", help="redraw every --interval seconds until Ctrl-C")
    output.add_argument("--json", action="store_true", help="print the figures as JSON, with the filters")
    verb.add_argument(
        "--interval", type=interval_seconds, metavar="N",
        help=f"seconds between redraws with --watch (default {DEFAULT_INTERVAL}, "
        f"{MIN_INTERVAL} to {MAX_INTERVAL})",
    )


def handle_dashboard(args: argparse.Namespace) -> int:
    if args.interval is not None and not args.watch:
        usage_error(args, INTERVAL_WITHOUT_WATCH_MESSAGE)
    selection = inventory_filter(args)
    if args.watch:
        return watch(args, selection, dashboard_console(), interval=args.interval or DEFAULT_INTERVAL)
    portfolio = build(args, selection)
    if args.json:
        print_json({"filters": selection.params(), **portfolio.as_dict()})
        return EXIT_OK
    from reports.cli.output.dashboard import Dashboard

    dashboard_console().print(Dashboard(portfolio, selection.params()))
    return EXIT_OK


def build(args: argparse.Namespace, selection: InventoryFilter) -> Portfolio:
    """The portfolio of the filtered inventory today, for someone who may view the inventory.

    The account is looked up again at every redraw, so a watch stops (exit 1) once its account
    loses its role or is deactivated. Query budget: the account and its permissions (up to 3),
    then build_portfolio's fixed few, whatever the inventory size.
    """
    from django.utils import timezone

    from inventory import permissions
    from inventory.models import AIModel
    from reports.portfolio import build_portfolio

    who = resolve_actor(args)
    who.require(permissions.can_view, "view the inventory")
    today = timezone.localdate()
    models = selection.apply(AIModel.objects.all(), today=today)
    return build_portfolio(models, today=today, filters=selection.params())


def dashboard_console() -> Console:
    import os

    console = make_console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = UNATTENDED_WIDTH
    return console


def watch(args: argparse.Namespace, selection: InventoryFilter, console: Console, *, interval: int) -> int:
    """Redraw every ``interval`` seconds until Ctrl-C, which ends the watch normally (exit 0).

    In a terminal each frame replaces the last (rich's Live, shortened to the terminal's height);
    otherwise (a file, a log) each frame is printed after the previous one.
    """
    from django.utils import timezone
    from rich.live import Live

    from reports.cli.output.dashboard import Dashboard

    params = selection.params()

    def frame(portfolio: Portfolio) -> Dashboard:
        footer = WATCH_FOOTER.format(time=f"{timezone.localtime():%H:%M:%S}", interval=interval)
        return Dashboard(portfolio, params, footer=footer, fit_height=console.is_terminal)

    try:
        if not console.is_terminal:
            while True:
                console.print(frame(build(args, selection)))
                time.sleep(interval)
        # auto_refresh off: nothing changes between our own redraws, so no refresh thread.
        with Live(frame(build(args, selection)), console=console, auto_refresh=False) as live:
            while True:
                time.sleep(interval)
                live.update(frame(build(args, selection)), refresh=True)
    except KeyboardInterrupt:
        # Leaving the Live block drew the last frame in full; the watch ends as asked.
        return EXIT_OK
