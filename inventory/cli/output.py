"""How the mltrack CLI shows inventory models: rich panels and tables for people, JSON for scripts.

Imported by the handlers when they run (it loads the models and rich), never to build the parser.

Everything a user typed is printed as plain ``Text``, never as console markup, so a model named
``[red]`` is shown as written; single-line values go through ``common.cli.plain``, so a control
character or a line break in one is shown escaped. Without a terminal rich drops colour and the
output stays readable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich import box
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from common.cli import plain as line
from common.cli.styles import RISK_STYLES, STATUS_STYLES
from inventory.history import HistoryEntry
from inventory.models import AIModel

NONE = "—"
# Stored for the database's sake, not part of what a model is: the name as uniqueness compares it.
INTERNAL_FIELDS = frozenset({"name_key"})


def plain(value: Any) -> Any:
    """A value as JSON can carry it: dates and times in ISO 8601, everything else unchanged."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def model_json(model: AIModel, *, today: dt.date) -> dict[str, Any]:
    """Every stored field of a model, in the model's field order; links by name, not by id.

    Expects ``owner`` and ``review_policy`` to be loaded with the model (``for_detail()``).
    """
    data: dict[str, Any] = {}
    for field in AIModel._meta.concrete_fields:
        if field.name in INTERNAL_FIELDS:
            continue
        if field.name == "owner":
            data["owner"] = model.owner.get_username() if model.owner_id is not None else None
        elif field.name == "review_policy":
            data["review_policy_version"] = model.review_policy.version
        else:
            data[field.name] = plain(getattr(model, field.attname))
    data["overdue"] = model.due_state(today=today).overdue
    return data


def history_json(entries: Iterable[HistoryEntry]) -> list[dict[str, Any]]:
    """Change history entries as JSON; give them from ``model_history(labels=False)`` so that values
    are stored codes ("high", "prod"), as in ``model_json``."""
    return [
        {
            "at": entry.at.isoformat(),
            "actor": entry.actor,
            "kind": entry.kind,
            "reason": entry.reason,
            "changes": [
                {"field": c.field, "label": c.label, "old": plain(c.old), "new": plain(c.new)} for c in entry.changes
            ],
        }
        for entry in entries
    ]


def risk_text(tier: str) -> Text:
    return Text(tier.upper(), style=RISK_STYLES.get(tier, ""))


def status_text(status: str) -> Text:
    return Text(status, style=STATUS_STYLES.get(status, ""))


def due_text(model: AIModel, *, today: dt.date, detailed: bool = False) -> Text:
    """The next review date, flagged when overdue (and, in detail, how far away it is)."""
    text = Text(model.next_review_date.isoformat())
    due = model.due_state(today=today)
    if due.overdue:
        text.append(f"  OVERDUE {due.days_overdue}d", style="bold red")
    elif detailed:
        text.append(f"  ({due.words()})", style="dim")
    return text


def model_table(models: Sequence[AIModel], *, today: dt.date) -> Table:
    table = Table(header_style="bold", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Name", overflow="fold")
    table.add_column("Vendor", overflow="fold")
    table.add_column("Risk", no_wrap=True)
    table.add_column("Env", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Next review", no_wrap=True)
    for model in models:
        table.add_row(
            Text(line(model.model_name)),
            Text(line(model.vendor)),
            risk_text(model.risk_tier),
            Text(model.deployment_environment or NONE),
            status_text(model.status),
            due_text(model, today=today),
        )
    return table


def _rows(grid: Table, rows: Iterable[tuple[str, Text | str]]) -> None:
    for label, value in rows:
        grid.add_row(Text(label, style="bold"), value if isinstance(value, Text) else Text(value or NONE))


def model_panel(
    model: AIModel, *, today: dt.date, title: str, changes: Mapping[str, tuple[Any, Any]] | None = None
) -> Panel:
    """Every field of a model and its review schedule; ``changes`` (field -> (old, new)) on top."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    if changes:
        for name, (old, new) in changes.items():
            label = str(AIModel._meta.get_field(name).verbose_name)
            grid.add_row(
                Text(f"Changed {label}", style="bold cyan"),
                Text(f"{_shown(old)} → {_shown(new)}"),
            )
        grid.add_row("", "")
    policy = model.review_policy
    cycle = policy.cycle_days(model.risk_tier)
    _rows(
        grid,
        [
            ("Model", Text(line(model.model_name), style="bold")),
            ("Vendor", line(model.vendor)),
            ("Model type", model.model_type),
            ("Version", line(model.model_version)),
            ("Risk tier", risk_text(model.risk_tier)),
            ("Status", status_text(model.status)),
            ("Use case", model.use_case),
            ("Business line", line(model.business_line)),
            ("Business owner", line(model.business_owner)),
            ("Technical owner", line(model.technical_owner)),
            ("Owner account", line(model.owner.get_username()) if model.owner_id is not None else ""),
            ("Deployed", model.deployment_date.isoformat()),
            ("Environment", model.deployment_environment),
            ("API endpoint", line(model.api_endpoint)),
            ("Data classification", model.data_classification),
            ("Last review", model.last_review_date.isoformat() if model.last_review_date else "never"),
            ("Next review", due_text(model, today=today, detailed=True)),
            ("Review cycle", f"every {cycle} days ({model.risk_tier}, review policy v{policy.version})"),
            ("Notes", model.notes),
            ("Added", _moment(model.created_at)),
            ("Last changed", _moment(model.updated_at)),
        ],
    )
    return Panel(grid, title=Text(line(title)), title_align="left", expand=False)


def history_table(entries: Sequence[HistoryEntry]) -> Table:
    table = Table(
        title="Change history (newest first)",
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("When", no_wrap=True)
    table.add_column("Who", overflow="fold")
    table.add_column("What", no_wrap=True)
    table.add_column("Changes", overflow="fold", ratio=1)
    for entry in entries:
        lines = [f"{c.label}: {_shown(c.old)} → {_shown(c.new)}" for c in entry.changes]
        if entry.kind == "created":
            lines = [f"{c.label}: {_shown(c.new)}" for c in entry.changes]
        what = entry.kind + (f" ({entry.reason})" if entry.reason and entry.reason != entry.kind else "")
        table.add_row(
            Text(_moment(entry.at)),
            Text(line(entry.actor)),
            Text(what),
            Text("\n".join(lines) or NONE),
        )
    return table


def _moment(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _shown(value: Any) -> str:
    if value is None or value == "":
        return NONE
    return line(str(plain(value)))


def page_footer(*, page: int, pages: int, count: int, next_command: str | None) -> Text:
    text = Text(f"Page {page:,} of {pages:,} · {count:,} model{'s' if count != 1 else ''}", style="dim")
    if next_command:
        text.append(f" · next: {next_command}", style="dim")
    return text
