"""mltrack token create | list | revoke: the console's API tokens page on the command line."""

from __future__ import annotations

import json

import pytest

from api import services
from api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_it_makes_a_token_and_prints_it_once(run, bob):
    result = run("token", "create", "fraud-detector CI gate", "--read-only", "--expires-in-days", "90",
                 "--user", "bob")

    token = ApiToken.objects.get()
    secret = result.out.splitlines()[1]
    assert result.code == 0 and result.err == ""
    assert result.out.startswith(f"Token 'fraud-detector CI gate' (id {token.pk}, read only, expires 2027-02-25")
    assert token.digest == services.digest_of(secret) and token.read_only and token.user == bob
    assert "shown this once" in result.out


def test_with_json_it_prints_the_token_and_its_details(run, erin):
    body = json.loads(run("token", "create", "audit", "--json", "--user", "erin").out)

    assert body["token"].startswith("mlt_") and body["user"] == "erin"
    assert (body["read_only"], body["expires_at"], body["state"]) == (False, None, "active")


def test_it_lists_your_tokens_and_administrators_see_everyones(run, alice, carol):
    run("token", "create", "alices", "--user", "alice")
    run("token", "create", "carols", "--user", "carol")

    own = json.loads(run("token", "list", "--json", "--user", "alice").out)
    everyone = json.loads(run("token", "list", "--all", "--json", "--user", "carol").out)
    table = run("token", "list", "--all", "--user", "carol")
    refused = run("token", "list", "--all", "--user", "alice")

    assert [t["name"] for t in own] == ["alices"] and "token" not in own[0]
    assert sorted(t["name"] for t in everyone) == ["alices", "carols"]
    assert "alices" in table.out and "carols" in table.out and "mlt_" in table.out
    assert refused.code == 1 and "may not list other accounts' API tokens" in refused.err


def test_it_revokes_and_says_so(run, bob):
    run("token", "create", "ci", "--user", "bob")
    token = ApiToken.objects.get()

    result = run("token", "revoke", str(token.pk), "--user", "bob")
    again = run("token", "revoke", str(token.pk), "--user", "bob", "--json")

    assert result.code == 0 and "Revoked the token 'ci'" in result.out
    assert ApiToken.objects.get().revoked_by == "bob"
    assert again.code == 1 and "already revoked" in json.loads(again.out)["error"]["message"]


def test_another_accounts_token_is_not_found_unless_you_administer(run, alice, bob, carol):
    run("token", "create", "alices", "--user", "alice")
    token = ApiToken.objects.get()

    hidden = run("token", "revoke", str(token.pk), "--user", "bob")
    revoked = run("token", "revoke", str(token.pk), "--user", "carol")

    assert hidden.code == 1 and hidden.err.startswith(f"No API token with id {token.pk} that you may see")
    assert revoked.code == 0 and ApiToken.objects.get().revoked_by == "carol"


def test_the_local_operator_may_not_make_a_token(run):
    result = run("token", "create", "ci")

    assert result.code == 1 and "act as an account (--user NAME)" in result.err
    assert not ApiToken.objects.exists()


def test_an_account_without_a_role_may_not_make_a_token(run, charlie):
    result = run("token", "create", "ci", "--user", "charlie", "--json")

    assert result.code == 1 and json.loads(result.out)["error"]["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("token",), "the following arguments are required: ACTION"),
        (("token", "create"), "the following arguments are required: NAME"),
        (("token", "create", "x", "--expires-in-days", "0"), "0 is less than 1"),
        (("token", "create", "x", "--expires-in-days", "3651"), "more than the maximum of 3650"),
        (("token", "revoke", "one"), "'one' is not a whole number"),
        (("token", "burn"), "invalid choice: 'burn'"),
    ],
)
def test_usage_errors_exit_2(run, argv, message):
    result = run(*argv)

    assert result.code == 2 and message in result.err


def test_a_blank_name_is_refused(run, bob):
    result = run("token", "create", "  ", "--user", "bob")

    assert result.code == 1 and "Name the token" in result.err
