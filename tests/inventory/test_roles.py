from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from common.roles import ROLES, role_of
from inventory import permissions
from tests.conftest import make_user
from tests.factories import make_model

pytestmark = pytest.mark.django_db


def test_the_migration_creates_the_four_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES.values())


@pytest.mark.parametrize(
    ("persona", "add", "edit_any", "delete", "sample"),
    [
        ("carol", True, True, True, True),
        ("bob", True, True, True, False),
        ("alice", True, False, False, False),
        ("erin", False, False, False, False),
        ("charlie", False, False, False, False),
    ],
)
def test_each_role_has_exactly_its_inventory_rights(request, persona, add, edit_any, delete, sample):
    user = request.getfixturevalue(persona)
    unowned = make_model()
    assert permissions.can_view(user) is (persona != "charlie")
    assert permissions.can_add(user) is add
    assert permissions.can_edit(user, unowned) is edit_any
    assert permissions.can_delete(user) is delete
    assert user.has_perm(permissions.SAMPLE_DATA) is sample


def test_a_model_owner_edits_only_their_own_models(alice, bob):
    mine = make_model(owner=alice)
    theirs = make_model(owner=bob)
    assert permissions.can_edit(alice, mine)
    assert not permissions.can_edit(alice, theirs)


def test_the_command_assigns_exactly_one_role(capsys):
    user = make_user("dana", "examiner")
    call_command("assign_role", "dana", "model-risk-officer")
    user.refresh_from_db()
    assert role_of(user) == "model-risk-officer"
    assert user.is_staff
    assert "dana is now Model risk officer" in capsys.readouterr().out
    call_command("assign_role", "dana", "model-owner")
    user.refresh_from_db()
    assert role_of(user) == "model-owner" and not user.is_staff


def test_the_command_explains_an_unknown_user():
    with pytest.raises(CommandError, match='No user account named "nobody"'):
        call_command("assign_role", "nobody", "examiner")


def test_the_command_refuses_an_unknown_role():
    make_user("dana")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("assign_role", "dana", "superhero")


def test_the_command_lists_accounts(capsys, bob, erin):
    call_command("assign_role", "--list")
    out = capsys.readouterr().out
    assert "bob" in out and "model-risk-officer" in out and "erin" in out
