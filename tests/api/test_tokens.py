"""API tokens: made and shown once, stored as a digest, refused once revoked or expired or when their
account is deactivated, read-only when asked, their use recorded, throttled each on its own."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from api import authentication, permissions, services
from api.models import ApiToken
from common.actors import Actor
from tests.api.conftest import Api, make_token
from tests.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
ME = "/api/v1/me/"


# Making, keeping and revoking -----------------------------------------------------------------


def test_it_keeps_only_the_digest_of_a_new_token(bob):
    new = services.create_token(actor=Actor.for_user(bob), name="  CI gate  ", read_only=True, expires_in_days=30,
                                now=NOW)

    token = ApiToken.objects.get()
    assert new.secret.startswith("mlt_") and len(new.secret) > 40
    assert token.digest == hashlib.sha256(new.secret.encode()).hexdigest()
    assert new.secret not in {token.prefix, token.digest, token.name}
    assert (token.name, token.prefix, token.read_only) == ("CI gate", new.secret[:12], True)
    assert token.expires_at == NOW + dt.timedelta(days=30)
    assert (token.user, token.created_by, token.created_at) == (bob, "bob", NOW)


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [("", None, "name"), ("   ", None, "name"), ("x" * 101, None, "name"), ("ok", 0, "expires_in_days"),
     ("ok", 3651, "expires_in_days")],
)
def test_it_refuses_a_bad_name_or_expiry(bob, name, days, field):
    with pytest.raises(ValidationError) as refused:
        services.create_token(actor=Actor.for_user(bob), name=name, read_only=False, expires_in_days=days, now=NOW)
    assert field in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_an_account_without_a_role_cannot_have_tokens(charlie):
    with pytest.raises(PermissionDenied, match="charlie .role: none. may not create API tokens"):
        services.create_token(actor=Actor.for_user(charlie), name="x", read_only=False, expires_in_days=None, now=NOW)


def test_the_local_operator_has_no_account_to_lend_a_token():
    with pytest.raises(ValidationError, match="acts for a user account"):
        services.create_token(actor=Actor.os_user("ops"), name="x", read_only=False, expires_in_days=None, now=NOW)


def test_each_role_may_have_tokens_and_only_administrators_manage_all(alice, bob, carol, erin):
    assert all(permissions.can_have_tokens(user) for user in (alice, bob, carol, erin))
    assert [permissions.can_manage_all_tokens(user) for user in (alice, bob, carol, erin)] == [False, False, True, False]


def test_a_user_revokes_their_own_token_and_it_is_kept(bob):
    make_token(bob)
    token = ApiToken.objects.get()

    services.revoke_token(token=token, actor=Actor.for_user(bob), now=NOW)

    token.refresh_from_db()
    assert (token.revoked_at, token.revoked_by, token.state(now=NOW)) == (NOW, "bob", "revoked")
    with pytest.raises(ValidationError, match="already revoked") as again:
        services.revoke_token(token=token, actor=Actor.for_user(bob), now=NOW)
    assert again.value.code == "already_revoked"


def test_only_an_administrator_revokes_anothers_token(alice, bob, carol):
    make_token(alice)
    token = ApiToken.objects.get()

    with pytest.raises(PermissionDenied):
        services.revoke_token(token=token, actor=Actor.for_user(bob), now=NOW)
    services.revoke_token(token=token, actor=Actor.for_user(carol), now=NOW)

    assert ApiToken.objects.get().revoked_by == "carol"


def test_everyones_tokens_are_listed_for_administrators_only(alice, bob, carol):
    make_token(alice, name="a")
    make_token(bob, name="b")

    assert [t.name for t in services.visible_tokens(actor=Actor.for_user(bob))] == ["b"]
    assert sorted(t.name for t in services.visible_tokens(actor=Actor.for_user(carol), everyone=True)) == ["a", "b"]
    with pytest.raises(PermissionDenied):
        services.visible_tokens(actor=Actor.for_user(bob), everyone=True)


# Signing in with a token ------------------------------------------------------------------------


def test_a_token_signs_in_as_its_account_with_its_role(alice):
    body = Api(make_token(alice)).get(ME).json()

    assert (body["username"], body["role"], body["token"]["name"]) == ("alice", "model-owner", "tests")


def test_token_is_accepted_as_a_scheme_name_too(alice):
    client = Api()
    client.client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(alice)}")

    assert client.get(ME).json()["username"] == "alice"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer", authentication.MALFORMED_MESSAGE),
        ("Bearer a b", authentication.MALFORMED_MESSAGE),
        ("Bearer mlt_not-a-token", authentication.UNKNOWN_MESSAGE),
        ("Bearer mlt_\u00e9t\u00e9", authentication.MALFORMED_MESSAGE),
    ],
)
def test_a_bad_token_is_401_with_a_message(header, message):
    client = Api()
    client.client.credentials(HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))

    response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["error"] == {"code": "authentication_failed", "message": message, "suggestions": []}
    assert response["WWW-Authenticate"] == 'Bearer realm="mltrack"'


def test_another_scheme_is_left_to_the_session(bob):
    client = Api()
    client.client.credentials(HTTP_AUTHORIZATION="Basic Ym9iOnB3")

    response = client.get(ME)

    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_a_revoked_token_is_refused_saying_so(bob, carol):
    secret = make_token(bob)
    services.revoke_token(token=ApiToken.objects.get(), actor=Actor.for_user(carol), now=NOW)

    response = Api(secret).get(ME)

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "This API token was revoked on 2026-11-27 12:00 UTC by carol."


def test_an_expired_token_is_refused_saying_so(bob):
    secret = make_token(bob, expires_in_days=1)

    with time_machine.travel(NOW + dt.timedelta(days=1, seconds=-1)):
        assert Api(secret).get(ME).status_code == 200
    with time_machine.travel(NOW + dt.timedelta(days=1)):
        response = Api(secret).get(ME)

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "This API token expired on 2026-11-28 12:00 UTC."


def test_a_deactivated_accounts_token_is_refused(bob):
    secret = make_token(bob)
    bob.is_active = False
    bob.save()

    response = Api(secret).get(ME)

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "This API token's account (bob) is deactivated."


def test_a_read_only_token_reads_but_never_writes(bob):
    api = Api(make_token(bob, read_only=True))

    assert api.get("/api/v1/models/").status_code == 200
    refused = api.post("/api/v1/models/", {})
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == permissions.READ_ONLY_TOKEN_MESSAGE


def test_a_token_cannot_make_tokens(bob):
    response = Api(make_token(bob)).post("/api/v1/tokens/", {"name": "another"})

    assert response.status_code == 403 and "cannot make tokens" in response.json()["error"]["message"]
    assert ApiToken.objects.count() == 1


def test_last_use_is_recorded_at_most_once_a_minute(bob, django_assert_num_queries):
    secret = make_token(bob)
    api = Api(secret)

    api.get(ME)
    first = ApiToken.objects.get().last_used_at
    # Within the minute: the token with its account, and the account's role; nothing is written.
    with time_machine.travel(NOW + dt.timedelta(seconds=30)), django_assert_num_queries(2):
        api.get(ME)
    assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(NOW + dt.timedelta(minutes=2)):
        api.get(ME)

    assert first is not None and ApiToken.objects.get().last_used_at > first + dt.timedelta(minutes=1)


def test_each_token_is_throttled_on_its_own(bob, settings):
    settings.MLTRACK_API_THROTTLE_RATE = "3/minute"
    busy, other = Api(make_token(bob)), Api(make_token(bob))

    answers = [busy.get(ME).status_code for _ in range(4)]
    throttled = busy.get(ME)

    assert answers == [200, 200, 200, 429]
    assert throttled.json()["error"]["code"] == "throttled" and int(throttled["Retry-After"]) > 0
    assert other.get(ME).status_code == 200


# The API's tokens endpoints ---------------------------------------------------------------------


def test_a_console_session_makes_a_token_shown_once(client, bob):
    client.force_login(bob)

    made = client.post("/api/v1/tokens/", {"name": "CI gate", "read_only": True, "expires_in_days": 90},
                       content_type="application/json")
    listed = client.get("/api/v1/tokens/").json()

    assert made.status_code == 201
    secret = made.json()["token"]
    assert Api(secret).get(ME).json()["token"]["read_only"] is True
    assert listed["count"] == 1 and "token" not in listed["results"][0]


def test_tokens_are_listed_and_revoked_through_the_api(alice, bob, carol):
    make_token(alice, name="alices")
    bobs = Api(make_token(bob, name="bobs"))
    admin = Api(make_token(carol))
    alices = ApiToken.objects.get(name="alices")

    assert [t["name"] for t in bobs.get("/api/v1/tokens/").json()["results"]] == ["bobs"]
    assert bobs.get("/api/v1/tokens/?all=true").status_code == 403
    assert bobs.get(f"/api/v1/tokens/{alices.pk}/").status_code == 404
    assert bobs.delete(f"/api/v1/tokens/{alices.pk}/").status_code == 404
    assert admin.get("/api/v1/tokens/?all=true").json()["count"] == 3
    revoked = admin.delete(f"/api/v1/tokens/{alices.pk}/")
    again = admin.delete(f"/api/v1/tokens/{alices.pk}/")

    assert (revoked.status_code, revoked.json()["state"], revoked.json()["revoked_by"]) == (200, "revoked", "carol")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"


def test_a_token_may_revoke_itself(bob):
    api = Api(make_token(bob))
    own = ApiToken.objects.get()

    assert api.delete(f"/api/v1/tokens/{own.pk}/").status_code == 200
    assert api.get(ME).status_code == 401


# The console's tokens page ----------------------------------------------------------------------


def test_the_tokens_page_makes_a_token_and_shows_it_once(client, erin):
    client.force_login(erin)

    made = client.post(reverse("tokens:list"), {"name": "audit script", "read_only": "on", "expires_in_days": "30"},
                       follow=True)
    again = client.get(reverse("tokens:list"))

    token = ApiToken.objects.get()
    secret = made.context["new"].secret
    assert made.redirect_chain == [(reverse("tokens:list"), 302)] and secret in made.content.decode()
    assert token.digest == services.digest_of(secret) and token.read_only
    assert secret not in again.content.decode() and "audit script" in again.content.decode()
    assert "api:new-token" not in client.session


def test_the_tokens_page_shows_field_errors(client, erin):
    client.force_login(erin)

    response = client.post(reverse("tokens:list"), {"name": "", "expires_in_days": "0"})

    assert response.status_code == 200 and not ApiToken.objects.exists()
    assert set(response.context["form"].errors) == {"name", "expires_in_days"}


def test_the_tokens_page_revokes_and_administrators_see_everyones(client, alice, carol):
    make_token(alice, name="alices")
    alices = ApiToken.objects.get()
    client.force_login(carol)

    page = client.get(reverse("tokens:list"))
    revoked = client.post(reverse("tokens:revoke", args=[alices.pk]), follow=True)

    assert [token.name for token, _ in page.context["others"]] == ["alices"]
    assert "Revoked the token" in revoked.content.decode()
    assert ApiToken.objects.get().revoked_by == "carol"


def test_the_tokens_page_hides_others_tokens_from_non_administrators(client, alice, bob):
    make_token(alice)
    client.force_login(bob)

    response = client.post(reverse("tokens:revoke", args=[ApiToken.objects.get().pk]))

    assert response.status_code == 404 and ApiToken.objects.get().revoked_at is None
    assert client.get(reverse("tokens:list")).context["others"] == []


def test_the_tokens_page_needs_a_role(client, charlie):
    client.force_login(charlie)

    assert client.get(reverse("tokens:list")).status_code == 403


def test_revoking_a_revoked_token_on_the_page_says_so(client, bob):
    make_token(bob)
    token = ApiToken.objects.get()
    services.revoke_token(token=token, actor=Actor.for_user(bob), now=NOW)
    client.force_login(bob)

    response = client.post(reverse("tokens:revoke", args=[token.pk]), follow=True)

    assert "already revoked" in response.content.decode()
