"""How mltrack token prints: the new token (once), the table of tokens, and JSON."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rich.table import Table
from rich.text import Text

from api.models import ApiToken
from api.services import NewToken
from common.cli import make_console, plain


def _when(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


def token_json(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk, "name": token.name, "user": token.user.get_username(), "prefix": token.prefix,
        "read_only": token.read_only, "state": token.state(now=timezone.now()), "created_at": _when(token.created_at),
        "created_by": token.created_by, "expires_at": _when(token.expires_at),
        "last_used_at": _when(token.last_used_at), "revoked_at": _when(token.revoked_at),
        "revoked_by": token.revoked_by,
    }


def write_new_token(new: NewToken) -> None:
    token = new.token
    scope = "read only" if token.read_only else "read and write"
    expiry = f"expires {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}" if token.expires_at else "never expires"
    out = make_console()
    out.print(f"Token {plain(token.name)!r} (id {token.pk}, {scope}, {expiry}) for {token.user.get_username()}:",
              markup=False)
    out.print(new.secret, markup=False, soft_wrap=True)
    out.print("It is shown this once: store it as a secret (e.g. MLTRACK_TOKEN in your CI).", markup=False)


def write_tokens(tokens: list[ApiToken], *, everyone: bool) -> None:
    out = make_console()
    if not tokens:
        out.print("No API tokens.")
        return
    now = timezone.now()
    table = Table(show_lines=False)
    for column in ("ID", "Name", *(["Account"] if everyone else []), "Token", "Scope", "State", "Made", "Expires",
                   "Last used"):
        table.add_column(column)
    for token in tokens:
        table.add_row(
            str(token.pk), Text(plain(token.name)), *([Text(token.user.get_username())] if everyone else []),
            f"{token.prefix}…",
            "read only" if token.read_only else "read/write", token.state(now=now),
            f"{timezone.localtime(token.created_at):%Y-%m-%d}",
            f"{timezone.localtime(token.expires_at):%Y-%m-%d}" if token.expires_at else "never",
            f"{timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}" if token.last_used_at else "never",
        )
    out.print(table)
