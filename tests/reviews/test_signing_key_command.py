from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from common import signing


def test_it_generates_a_key_once_and_never_overwrites_it(tmp_path):
    path = tmp_path / "keys" / "institution.pem"
    out = io.StringIO()
    call_command("signing_key", "--generate", str(path), stdout=out)
    assert "Wrote a new signing key" in out.getvalue()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    before = path.read_bytes()
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("signing_key", "--generate", str(path))
    assert path.read_bytes() == before


def test_it_prints_and_exports_the_public_key(tmp_path):
    out = io.StringIO()
    call_command("signing_key", stdout=out)
    key = signing.signer()
    assert f"Key id:      {key.key_id}" in out.getvalue()
    assert signing.fingerprint(key.public_key) in out.getvalue()
    exported = tmp_path / "public.pem"
    call_command("signing_key", "--public-out", str(exported), stdout=io.StringIO())
    assert signing.key_id(signing.load_public_key(exported.read_bytes(), source="x")) == key.key_id
    assert b"PRIVATE" not in exported.read_bytes()
