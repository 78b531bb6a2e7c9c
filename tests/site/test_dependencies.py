"""The apps' one-way dependencies (docs/architecture.md): each app imports only the apps below it,
checked over every module's import statements, top-level and inside functions alike."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Each app with the project's apps it may import (besides itself). Lower layers first.
BELOW: dict[str, set[str]] = {"common": set()}
BELOW["inventory"] = {"common"}
BELOW["reviews"] = BELOW["inventory"] | {"inventory"}
BELOW["compliance"] = BELOW["reviews"] | {"reviews"}
for side_by_side in ("cards", "registries"):
    BELOW[side_by_side] = BELOW["compliance"] | {"compliance"}
BELOW["reports"] = BELOW["compliance"] | {"compliance", "cards", "registries"}
for side_by_side in ("packages", "transfers", "notifications"):
    BELOW[side_by_side] = BELOW["reports"] | {"reports"}
BELOW["api"] = BELOW["reports"] | {"reports", "packages", "transfers", "notifications"}
BELOW["mltrack_site"] = set(BELOW) - {"mltrack_site"}


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(BELOW)


def test_every_app_imports_only_the_apps_below_it():
    upward = {}
    for app, allowed in BELOW.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            wrong = imported_apps(path) - allowed - {app}
            if wrong:
                upward[str(path.relative_to(ROOT))] = sorted(wrong)
    assert upward == {}


def test_every_app_is_placed():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"common", "mltrack_site"}
    assert apps == set(BELOW), "place a new app in BELOW (and in docs/architecture.md's map)"
