"""mltrack package and mltrack verify-package."""

from __future__ import annotations

import json
import zipfile

import pytest

from common.signing import public_pem, signer
from tests.conftest import make_user
from tests.packages.conftest import inventory  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("inventory")


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "institution.pem"
    path.write_text(public_pem(signer().public_key))
    return path


def test_package_writes_a_bundle_that_verify_package_accepts(run, tmp_path, key_file):
    target = tmp_path / "exam.zip"

    made = run("package", "--risk", "critical", "--framework", "nist-ai-rmf", "-o", str(target))
    checked = run("verify-package", str(target), "--public-key", str(key_file))

    assert made.code == 0, made.err
    assert made.out.startswith(f"Wrote {target} (")
    assert "nist-ai-rmf package of every critical-tier model, 1 model(s), 2 review record(s)" in made.out
    with zipfile.ZipFile(target) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["generated_by"] == "os:ops-jane"
    assert checked.code == 0, checked.err
    assert checked.out.splitlines()[-1] == f"OK: {target} is complete and unaltered"


def test_verify_package_names_what_was_altered_and_exits_1(run, tmp_path, key_file):
    target = tmp_path / "exam.zip"
    run("package", "--all", "--framework", "sr26-2", "-o", str(target))
    with zipfile.ZipFile(target) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["data/inventory.csv"] += b"\r\n"
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)

    result = run("verify-package", str(target), "--public-key", str(key_file))

    assert result.code == 1
    assert result.err.strip() == ("FAILED: data/inventory.csv is 0 bytes, the manifest says 0: it was altered"
                                  .replace("0 bytes", f"{len(files['data/inventory.csv'])} bytes")
                                  .replace("says 0", f"says {len(files['data/inventory.csv']) - 2}"))


@pytest.mark.parametrize(("argv", "message"), [
    (["--model", "nope", "--framework", "sr26-2", "-o", "x.zip"], "No model is named 'nope'."),
    (["--risk", "extreme", "--framework", "sr26-2", "-o", "x.zip"], "Unknown risk tier 'extreme'"),
    (["--all", "--framework", "sr26-2", "-o", "x.pdf"], "--output names the package's zip file"),
])
def test_bad_scope_or_output_is_a_usage_error(run, argv, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    result = run("package", *argv)

    assert result.code == 2
    assert message in result.err
    assert not list(tmp_path.iterdir())


def test_an_examiner_may_not_build_a_package(run, tmp_path):
    make_user("erin", "examiner")
    target = tmp_path / "exam.zip"

    result = run("package", "--all", "--framework", "sr26-2", "-o", str(target), "--user", "erin")

    assert result.code == 1
    assert "erin" in result.err and "examiner" in result.err and "build an exam package" in result.err
    assert not target.exists()


def test_a_public_key_that_is_not_one_is_a_usage_error(run, tmp_path):
    target = tmp_path / "exam.zip"
    run("package", "--all", "--framework", "sr26-2", "-o", str(target))
    bad = tmp_path / "key.pem"
    bad.write_text("not a key")

    result = run("verify-package", str(target), "--public-key", str(bad))

    assert result.code == 2
    assert "Cannot use the public key: the public key is not a PEM public key" in result.err
