"""The mltrack entry point: version, usage errors and exit codes, in-process and as a real process."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mltrack_site.cli import build_parser, main

PROJECT_ROOT = Path(__file__).resolve().parents[2]

ROOT = Path(__file__).resolve().parents[2]


def test_it_prints_the_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == "mltrack 0.1.0\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: VERB"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["show"], "the following arguments are required: NAME"),
        (["list", "--per-page", "many"], "'many' is not a whole number"),
        (["delete", "x", "--force"], "unrecognized arguments: --force"),
    ],
)
def test_it_exits_2_on_usage_errors(capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_it_prints_help_and_exits_0(capsys):
    assert main(["add", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--deployment-date DATE" in out
    assert "--interactive" in out


def test_help_lists_every_verb(capsys):
    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))

    assert main(["--help"]) == 0

    out = " ".join(capsys.readouterr().out.split())  # as one line: argparse wraps long names and help
    # A verb added without help= would be missing from the list.
    assert [action.dest for action in subparsers._choices_actions] == list(subparsers.choices)
    for action in subparsers._choices_actions:
        assert f" {action.dest} {action.help} " in out
    assert {"add", "list", "show", "update", "delete", "sample-data", "reviewed", "reviews", "verify", "validate",
            "check", "dashboard", "report", "import", "export"} <= set(subparsers.choices)


# Loaded by building the parser: the verb modules, argparse and the CLI kit, never Django, rich,
# dataclasses or an app's models: that keeps --version and --help under 150 ms (docs/cli.md).
LOADED = (
    "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'rich', 'dataclasses'}), "
    "sorted(m for m in sys.modules if m.endswith('.models')))"
)


def test_it_builds_the_parser_without_loading_django_rich_or_models():
    code = f"import sys; from mltrack_site.cli import build_parser; build_parser(); {LOADED}"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.split() == ["[]", "[]"]


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_load_neither_django_nor_rich(flag):
    code = (
        "import contextlib, io, sys; from mltrack_site.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): code = main([{flag!r}])\n"
        f"print(code); {LOADED}"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.split() == ["0", "[]", "[]"]


def test_the_shared_cli_kit_stands_apart_from_every_app():
    # Every app's verbs import common.cli; it must pull in no app, nor Django or rich.
    code = (
        "import sys; import common.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'rich', 'inventory', 'reviews', 'compliance', 'reports', 'mltrack_site'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"


# As a real process, against a freshly migrated SQLite file ------------------------------------


@pytest.fixture(scope="module")
def process_env(tmp_path_factory) -> dict[str, str]:
    db = tmp_path_factory.mktemp("cli") / "mltrack.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"MLTRACK_USER", "DJANGO_SETTINGS_MODULE", "MLTRACK_ENV"}}
    env.update(DATABASE_URL=f"sqlite:///{db}", MLTRACK_CLI_REQUIRE_ACCOUNT="false")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return env


def mltrack(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mltrack_site.cli", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_reports_the_version_as_a_process(process_env):
    script = Path(sys.executable).with_name("mltrack")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mltrack_site.cli"]
    done = subprocess.run([*command, "--version"], env=process_env, capture_output=True, text=True)

    assert (done.returncode, done.stdout, done.stderr) == (0, "mltrack 0.1.0\n", "")


def test_it_exits_2_with_usage_as_a_process(process_env):
    done = mltrack(process_env, "list", "--risk", "extreme")

    assert done.returncode == 2
    assert "usage: mltrack list" in done.stderr
    assert "Allowed values: critical, high, medium, low." in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_it_works_end_to_end_as_a_process(process_env):
    created = mltrack(process_env, "sample-data", "-n", "5", "--seed", "11")
    listed = mltrack(process_env, "list", "--json", "--per-page", "2")
    missing = mltrack(process_env, "show", "no-such-model")

    assert created.returncode == 0, created.stderr
    assert json.loads(listed.stdout)["count"] == 5
    assert json.loads(listed.stdout)["pages"] == 3
    assert (missing.returncode, missing.stdout) == (1, "")
    assert missing.stderr.startswith('No model named "no-such-model".')


def test_it_explains_an_unmigrated_database_without_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"MLTRACK_USER", "DJANGO_SETTINGS_MODULE", "MLTRACK_ENV"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"

    done = mltrack(env, "list")
    as_json = mltrack(env, "list", "--json")

    assert done.returncode == 1
    assert "python manage.py migrate" in done.stderr
    assert "Traceback" not in done.stderr
    assert (as_json.returncode, as_json.stderr) == (1, "")
    error = json.loads(as_json.stdout)["error"]
    assert error["code"] == "database" and "python manage.py migrate" in error["message"]


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    """mltrack list | head: the pipe closes after the first line; mltrack exits 0 and says nothing."""
    import shutil

    env = {**os.environ, "MLTRACK_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("MLTRACK_USER", None)
    mltrack = shutil.which("mltrack", path=str(Path(sys.executable).parent)) or "mltrack"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=PROJECT_ROOT, env=env, check=True, timeout=300)
    made = subprocess.run([mltrack, "sample-data", "-n", "150", "--seed", "3"], env=env, timeout=300,
                          capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr

    done = subprocess.run(["bash", "-o", "pipefail", "-c", f"'{mltrack}' list --per-page 150 | head -n 1"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert len(done.stdout.splitlines()) == 1


def test_starting_django_loads_no_pdf_renderer(process_env):
    """Every verb starts Django; WeasyPrint (about 1.5 s to import) is loaded only by what renders a PDF."""
    code = ("import sys; from mltrack_site.cli import setup_django; setup_django(); "
            "print(sorted(name for name in ('weasyprint', 'oscal') if name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=process_env, capture_output=True, text=True,
                          timeout=120)

    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr
