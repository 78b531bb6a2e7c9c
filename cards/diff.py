"""What changed between two card versions: every value that differs, by its place in the card."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key in sorted(value):
            _flatten(value[key], f"{path}.{key}" if path else key, out)
    elif isinstance(value, list) and value and all(isinstance(item, dict) and "key" in item for item in value):
        # The sections: compared by their key, not their position.
        for item in value:
            _flatten({k: v for k, v in item.items() if k != "key"}, f"{path}.{item['key']}", out)
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        for index, item in enumerate(value):
            _flatten(item, f"{path}[{index}]", out)
    else:
        out[path] = value


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The values that differ between two cards (None where one card lacks the place), in card order."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flatten(old, "", before)
    _flatten(new, "", after)
    paths = list(before) + [path for path in after if path not in before]
    return [Change(path, before.get(path), after.get(path)) for path in paths if before.get(path) != after.get(path)]
