"""Digest subscriptions: each user chooses their scopes and frequency in the console; the service
checks every value and who may change whose."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from common.actors import Actor
from notifications import subscriptions
from notifications.models import DigestSubscription
from notifications.subscriptions import effective_for, remove_subscription, save_subscription
from tests.notifications.conftest import MORNING

pytestmark = pytest.mark.django_db
URL = reverse("notifications:subscriptions")


def save(user, actor=None, **fields):
    fields = {"scope": "all", "value": "", "frequency": "daily", **fields}
    return save_subscription(user=user, actor=Actor.for_user(actor or user), now=MORNING, **fields)


def test_a_user_subscribes_and_changes_the_frequency_of_a_scope(people):
    alice = people["alice"]
    save(alice, scope="business_line", value=" Retail Banking ")
    save(alice, scope="business_line", value="RETAIL BANKING", frequency="weekly")  # the same line, any case

    (row,) = DigestSubscription.objects.filter(user=alice)
    assert (row.scope, row.value, row.frequency) == ("business_line", "Retail Banking", "weekly")
    assert effective_for(alice).rows == [row] and effective_for(alice).default == ""


def test_without_rows_the_role_default_applies(people):
    assert effective_for(people["bob"]).default == "the whole inventory, daily"
    assert effective_for(people["carol"]).default == "the whole inventory, daily"
    assert effective_for(people["alice"]).default == "the models you own, daily"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"scope": "everything"}, "scope", "Choose what the digest covers"),
        ({"scope": ""}, "scope", "Choose what the digest covers"),
        ({"frequency": "hourly"}, "frequency", subscriptions.FREQUENCY_MESSAGE),
        ({"scope": "risk_tier", "value": "severe"}, "risk_tier", subscriptions.TIER_MESSAGE),
        ({"scope": "risk_tier", "value": ""}, "risk_tier", subscriptions.TIER_MESSAGE),
        ({"scope": "business_line", "value": "  "}, "business_line", subscriptions.LINE_MISSING_MESSAGE),
        ({"scope": "business_line", "value": "x" * 101}, "business_line", "at most 100 characters (101 given)"),
        ({"scope": "business_line", "value": "Cards\x1b[31m"}, "business_line", "Business line"),
        ({"scope": "business_line", "value": "Ca\u202erds"}, "business_line", "Business line"),
        ({"scope": "all", "value": "Cards"}, "scope", "The whole inventory takes no business line or risk tier."),
        ({"scope": "owned", "value": "high"}, "scope", "The models I own takes no business line or risk tier."),
    ],
)
def test_it_refuses_bad_choices_naming_the_field(people, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        save(people["alice"], **fields)

    assert message in " ".join(refused.value.message_dict[field])
    assert not DigestSubscription.objects.exists()


def test_only_administrators_change_another_users_subscriptions(people):
    with pytest.raises(PermissionDenied, match="bob \\(role: model-risk-officer\\) may not change another user's"):
        save(people["alice"], actor=people["bob"])

    save(people["alice"], actor=people["carol"], scope="risk_tier", value="high")
    assert DigestSubscription.objects.get().user == people["alice"]


def test_a_role_that_cannot_read_the_inventory_cannot_subscribe(people):
    with pytest.raises(PermissionDenied, match="charlie \\(role: none\\) may not subscribe to digests"):
        save(people["charlie"])
    # Nor can an administrator subscribe such an account on its behalf.
    with pytest.raises(ValidationError, match="charlie cannot read the inventory"):
        save(people["charlie"], actor=people["carol"])


def test_a_deactivated_account_and_an_untrusted_actor_are_refused(people):
    bob = people["bob"]
    bob.is_active = False
    bob.save()
    with pytest.raises(PermissionDenied):
        save(bob)
    with pytest.raises(PermissionDenied, match="neither a user account nor a trusted operator"):
        save_subscription(user=people["alice"], scope="all", value="", frequency="daily", actor=Actor(name="nobody"),
                          now=MORNING)


def test_removing_a_scope_is_the_owners_or_an_administrators(people):
    row = save(people["alice"], scope="owned")
    with pytest.raises(PermissionDenied):
        remove_subscription(subscription_id=row.pk, actor=Actor.for_user(people["erin"]))

    remove_subscription(subscription_id=row.pk, actor=Actor.for_user(people["alice"]))
    assert not DigestSubscription.objects.exists()


# The page


def test_the_page_shows_the_default_and_saves_a_subscription(client, people):
    client.force_login(people["alice"])

    page = client.get(URL).content.decode()
    assert "The default for your role: <strong>the models you own, daily</strong>" in page

    response = client.post(URL, {"scope": "risk_tier", "risk_tier": "critical", "frequency": "weekly"}, follow=True)
    assert "Your digest subscriptions are saved." in response.content.decode()
    assert "Risk tier Critical" in response.content.decode()
    assert DigestSubscription.objects.get().value == "critical"


def test_the_page_shows_each_error_beside_its_field(client, people):
    client.force_login(people["alice"])

    response = client.post(URL, {"scope": "business_line", "business_line": "", "frequency": "daily"})

    assert response.status_code == 400
    assert subscriptions.LINE_MISSING_MESSAGE in response.content.decode()
    assert not DigestSubscription.objects.exists()


def test_the_page_refuses_a_bad_choice_without_saving(client, people):
    client.force_login(people["alice"])

    response = client.post(URL, {"scope": "everything", "frequency": "daily"})

    assert response.status_code == 400 and not DigestSubscription.objects.exists()


def test_a_user_removes_only_their_own_rows(client, people):
    mine = save(people["alice"], scope="owned")
    theirs = save(people["bob"], scope="all")
    client.force_login(people["alice"])

    assert client.post(reverse("notifications:subscription-remove", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:subscription-remove", args=[mine.pk])).status_code == 302
    assert list(DigestSubscription.objects.all()) == [theirs]


def test_a_role_without_the_inventory_gets_403(client, people):
    client.force_login(people["charlie"])

    assert client.get(URL).status_code == 403


def test_an_account_without_an_address_is_told(client, people):
    people["erin"].email = ""
    people["erin"].save()
    client.force_login(people["erin"])

    assert "Your account has no email address" in client.get(URL).content.decode()


def test_the_page_takes_the_same_queries_with_more_rows(client, people, django_assert_max_num_queries):
    client.force_login(people["alice"])
    save(people["alice"], scope="owned")
    with django_assert_max_num_queries(8) as few:
        client.get(URL)
    for tier in ("critical", "high", "medium"):
        save(people["alice"], scope="risk_tier", value=tier)
    with django_assert_max_num_queries(8) as more:
        client.get(URL)

    assert len(few) == len(more)
