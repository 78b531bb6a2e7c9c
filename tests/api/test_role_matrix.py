"""Every endpoint and verb of the API, as each role, a user without a role, a read-only token, no
credentials, a revoked token and an expired token: the status each must get.

The roles' rules are the services' own (README, "Roles"); this proves the API applies them, that a
read-only token never writes, and that anonymous, revoked and expired credentials get nothing but
401. A new endpoint fails test_every_api_url_is_in_the_matrix until it is added here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from api import services
from api.models import ApiToken
from cards.models import Agent, AISystem
from cards.services import publish_card, save_agent, save_system
from common.actors import Actor
from inventory.models import ReviewPolicy
from reports.models import ReportJob
from tests.api.conftest import Api, make_token
from tests.conftest import NOW
from tests.factories import make_model, model_data, record_review
from tests.registries.fakes import FakeRegistry, make_registry, reconcile, version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

ROLES = ("carol", "bob", "alice", "erin")  # administrator, model risk officer, model owner, examiner
EVERY_ROLE = frozenset(ROLES)
SIGNED_IN = EVERY_ROLE | {"charlie"}
PERSONAS = (*ROLES, "charlie", "read-only", "anonymous", "revoked", "expired")
UNSAFE = {"post", "put", "patch", "delete"}


class Case(NamedTuple):
    method: str
    url: Callable[[dict[str, Any]], str]
    allowed: frozenset[str]
    ok: int = 200
    # The request's JSON, or a function of the objects that makes it.
    body: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # What everyone else gets: 403 (refused), 404 (not theirs to see), 405 (offered to no one).
    refused: int = 403


POLICY = {"effective_date": "2026-11-27", "critical_days": 30, "high_days": 90, "medium_days": 180, "low_days": 365,
          "approval_reference": "Model Risk Committee, 2026-11-20", "rationale": "The role matrix."}

def subject_cases(path: str, kind: str) -> dict[str, Case]:
    """An AI system's or an agent's endpoints: bob's (only model risk officers and administrators
    change it) and alice's (she owns it, so she may too)."""
    writers = frozenset({"carol", "bob", "alice"})
    return {
        f"list {path}": Case("get", lambda o: f"/api/v1/{path}/", EVERY_ROLE),
        f"register a {kind}": Case("post", lambda o: f"/api/v1/{path}/", writers, 201, {"name": "registered"}),
        f"read a {kind}": Case("get", lambda o: f"/api/v1/{path}/{o[f'bobs {kind}']}/", EVERY_ROLE),
        f"change another's {kind}": Case("patch", lambda o: f"/api/v1/{path}/{o[f'bobs {kind}']}/",
                                         frozenset({"carol", "bob"}), 200, {"purpose": "Changed"}),
        f"change alice's {kind}": Case("patch", lambda o: f"/api/v1/{path}/{o[f'alices {kind}']}/", writers, 200,
                                       {"purpose": "Changed"}),
        f"replace a {kind}": Case("put", lambda o: f"/api/v1/{path}/{o[f'bobs {kind}']}/", frozenset(), body={},
                                  refused=405),
        f"delete a {kind}": Case("delete", lambda o: f"/api/v1/{path}/{o[f'bobs {kind}']}/", frozenset(),
                                 refused=405),
        f"a {kind}'s card": Case("get", lambda o: f"/api/v1/{path}/{o[f'bobs {kind}']}/card/", EVERY_ROLE),
        # Its sections are its own fields, changed on it.
        f"change a {kind}'s card": Case("patch", lambda o: f"/api/v1/{path}/{o[f'bobs {kind}']}/card/", frozenset(),
                                        body={}, refused=405),
        f"list a {kind}'s card versions": Case("get", lambda o: f"/api/v1/{path}/{o[f'bobs {kind}']}/card/versions/",
                                               EVERY_ROLE),
        f"publish another's {kind} card": Case("post", lambda o: f"/api/v1/{path}/{o[f'bobs {kind}']}/card/versions/",
                                               frozenset({"carol", "bob"}), 201),
        f"publish alice's {kind} card": Case("post", lambda o: f"/api/v1/{path}/{o[f'alices {kind}']}/card/versions/",
                                             writers, 201),
        f"read a {kind} card version": Case("get", lambda o: f"/api/v1/{path}/{o[f'bobs {kind}']}/card/versions/1/",
                                            EVERY_ROLE),
        f"compare {kind} card versions": Case(
            "get", lambda o: f"/api/v1/{path}/{o[f'bobs {kind}']}/card/diff/?from=1&to=2", EVERY_ROLE),
    }


CASES: dict[str, Case] = {
    "list models": Case("get", lambda o: "/api/v1/models/", EVERY_ROLE),
    "add a model": Case("post", lambda o: "/api/v1/models/", frozenset({"carol", "bob", "alice"}), 201,
                        {**model_data(model_name="added"), "deployment_date": "2026-06-01"}),
    "read a model": Case("get", lambda o: f"/api/v1/models/{o['bobs']}/", EVERY_ROLE),
    "change another's model": Case("patch", lambda o: f"/api/v1/models/{o['bobs']}/",
                                   frozenset({"carol", "bob"}), 200, {"vendor": "Acme"}),
    "change alice's model": Case("patch", lambda o: f"/api/v1/models/{o['alices']}/",
                                 frozenset({"carol", "bob", "alice"}), 200, {"use_case": "Changed"}),
    "replace a model": Case("put", lambda o: f"/api/v1/models/{o['bobs']}/", frozenset(), body={}, refused=405),
    "delete a model": Case("delete", lambda o: f"/api/v1/models/{o['bobs']}/", frozenset({"carol", "bob"}), 204),
    "retire alice's model": Case("post", lambda o: f"/api/v1/models/{o['alices']}/status/",
                                 frozenset({"carol", "bob"}), 200, {"status": "deprecated"}),
    "a model's history": Case("get", lambda o: f"/api/v1/models/{o['bobs']}/history/", EVERY_ROLE),
    "list reviews": Case("get", lambda o: "/api/v1/reviews/", EVERY_ROLE),
    "record a review": Case("post", lambda o: "/api/v1/reviews/", frozenset({"carol", "bob"}), 201,
                            lambda o: {"model": o["reviewed"], "review_date": "2026-11-27", "outcome": "passed"}),
    "read a review": Case("get", lambda o: f"/api/v1/reviews/{o['review']}/", EVERY_ROLE),
    "replace a review": Case("put", lambda o: f"/api/v1/reviews/{o['review']}/", frozenset(), body={}, refused=405),
    "change a review": Case("patch", lambda o: f"/api/v1/reviews/{o['review']}/", frozenset(), body={},
                            refused=405),
    "delete a review": Case("delete", lambda o: f"/api/v1/reviews/{o['review']}/", frozenset(), refused=405),
    "verify the trail": Case("get", lambda o: "/api/v1/audit-trail/verification/", EVERY_ROLE),
    "verify and anchor": Case("post", lambda o: "/api/v1/audit-trail/verification/", EVERY_ROLE),
    "evaluate": Case("get", lambda o: "/api/v1/compliance/evaluation/", EVERY_ROLE),
    "check": Case("get", lambda o: "/api/v1/compliance/check/?all=true", EVERY_ROLE),
    "check as SARIF": Case("get", lambda o: "/api/v1/compliance/check/sarif/?risk_tier=high", EVERY_ROLE),
    "the rules": Case("get", lambda o: "/api/v1/compliance/rules/", EVERY_ROLE),
    "the dashboard": Case("get", lambda o: "/api/v1/dashboard/", EVERY_ROLE),
    "list policy versions": Case("get", lambda o: "/api/v1/review-policies/", EVERY_ROLE),
    "read a policy version": Case("get", lambda o: f"/api/v1/review-policies/{o['policy']}/", EVERY_ROLE),
    "publish a policy version": Case("post", lambda o: "/api/v1/review-policies/", frozenset({"carol"}), 201, POLICY),
    "queue a report": Case("post", lambda o: "/api/v1/reports/", EVERY_ROLE, 202, {"kind": "risk", "format": "csv"}),
    "list report jobs": Case("get", lambda o: "/api/v1/reports/jobs/", EVERY_ROLE),
    "follow a report job": Case("get", lambda o: f"/api/v1/reports/jobs/{o['job']}/", EVERY_ROLE),
    # Queued, not done: those who may read it are told it is not ready.
    "download a report": Case("get", lambda o: f"/api/v1/reports/jobs/{o['job']}/file/", EVERY_ROLE, 409),
    "list exam packages": Case("get", lambda o: "/api/v1/packages/", EVERY_ROLE),
    "build an exam package": Case("post", lambda o: "/api/v1/packages/", frozenset({"carol", "bob"}), 202,
                                  {"framework": "sr26-2", "scope": "all"}),
    "list own tokens": Case("get", lambda o: "/api/v1/tokens/", SIGNED_IN),
    "list every token": Case("get", lambda o: "/api/v1/tokens/?all=true", frozenset({"carol"})),
    "read carol's token": Case("get", lambda o: f"/api/v1/tokens/{o['carols_token']}/", frozenset({"carol"}),
                               refused=404),
    "revoke carol's token": Case("delete", lambda o: f"/api/v1/tokens/{o['carols_token']}/", frozenset({"carol"}),
                                 refused=404),
    # Only a console session makes tokens (charlie, signed in with one, has no role to lend a token).
    "make a token": Case("post", lambda o: "/api/v1/tokens/", frozenset(), body={"name": "more"}),
    "list registries": Case("get", lambda o: "/api/v1/registries/", frozenset({"carol", "bob", "erin"})),
    "read a registry": Case("get", lambda o: f"/api/v1/registries/{o['registry']}/",
                            frozenset({"carol", "bob", "erin"})),
    "a registry's findings": Case("get", lambda o: f"/api/v1/registries/{o['registry']}/findings/",
                                  frozenset({"carol", "bob", "erin"})),
    "change a registry": Case("patch", lambda o: f"/api/v1/registries/{o['registry']}/", frozenset(), body={},
                              refused=405),
    "who am I": Case("get", lambda o: "/api/v1/me/", SIGNED_IN),
    "the schema": Case("get", lambda o: "/api/v1/schema/", SIGNED_IN),
    "a model's card": Case("get", lambda o: f"/api/v1/models/{o['bobs']}/card/", EVERY_ROLE),
    "a model's card as CycloneDX": Case("get", lambda o: f"/api/v1/models/{o['bobs']}/card/cyclonedx/", EVERY_ROLE),
    "change alice's card": Case("patch", lambda o: f"/api/v1/models/{o['alices']}/card/",
                                frozenset({"carol", "bob", "alice"}), 200, {"limitations": "Changed"}),
    "change another's card": Case("patch", lambda o: f"/api/v1/models/{o['bobs']}/card/",
                                  frozenset({"carol", "bob"}), 200, {"limitations": "Changed"}),
    "list card versions": Case("get", lambda o: f"/api/v1/models/{o['bobs']}/card/versions/", EVERY_ROLE),
    "publish alice's card": Case("post", lambda o: f"/api/v1/models/{o['alices']}/card/versions/",
                                 frozenset({"carol", "bob", "alice"}), 201),
    "publish another's card": Case("post", lambda o: f"/api/v1/models/{o['bobs']}/card/versions/",
                                   frozenset({"carol", "bob"}), 201),
    "read a card version": Case("get", lambda o: f"/api/v1/models/{o['bobs']}/card/versions/1/", EVERY_ROLE),
    "a card version as CycloneDX": Case("get", lambda o: f"/api/v1/models/{o['bobs']}/card/versions/1/cyclonedx/",
                                        EVERY_ROLE),
    "compare card versions": Case("get", lambda o: f"/api/v1/models/{o['bobs']}/card/diff/?from=1&to=1", EVERY_ROLE),
    **{case: value for path, kind in (("systems", "system"), ("agents", "agent"))
       for case, value in subject_cases(path, kind).items()},
}


def expected(case: Case, persona: str) -> int:
    if persona in {"anonymous", "revoked", "expired"}:
        return 401
    if persona == "read-only":
        # bob's read-only token: what bob may read, and no write at all (refused before anything else).
        if case.method in UNSAFE:
            return 403
        persona = "bob"
    return case.ok if persona in case.allowed else case.refused


@pytest.fixture
def objects(alice, bob, carol) -> dict[str, Any]:
    bobs = make_model(model_name="bobs-model", owner=bob, risk_tier="medium")
    alices = make_model(model_name="alices-model", owner=alice, risk_tier="medium")
    reviewed = make_model(model_name="reviewed-model", deployment_date=dt.date(2026, 6, 1))
    review = record_review(reviewed, review_date=dt.date(2026, 11, 1)).review
    job = ReportJob.objects.create(kind="risk", format="pdf", requested_by=bob, requested_by_name="bob",
                                   requested_at=NOW, as_of=NOW.date())
    make_token(carol, name="carols")
    trusted = Actor(name="tests", trusted=True)
    publish_card(kind="model", subject=bobs, actor=trusted, now=NOW, today=NOW.date())
    subjects = {}
    for kind, save in (("system", save_system), ("agent", save_agent)):
        subjects[f"bobs {kind}"] = save(data={"name": f"bob's {kind}", "owner": "bob", "ai_models": ["bobs-model"]},
                                        actor=trusted).pk
        subjects[f"alices {kind}"] = save(data={"name": f"alice's {kind}", "owner": "alice"}, actor=trusted).pk
        for _ in range(2):  # two versions to compare
            publish_card(kind=kind, subject=_subject(kind, subjects[f"bobs {kind}"]), actor=trusted, now=NOW,
                         today=NOW.date())
    registry = make_registry()
    reconcile(registry, FakeRegistry(version("fraud", 1)))
    return {**subjects, "registry": registry.pk, "bobs": bobs.pk, "alices": alices.pk, "reviewed": reviewed.pk, "review": review.pk,
            "job": job.pk,
            "policy": ReviewPolicy.objects.get().pk, "carols_token": ApiToken.objects.get(name="carols").pk}


def _subject(kind: str, pk: int) -> AISystem | Agent:
    return (AISystem if kind == "system" else Agent).objects.get(pk=pk)


def client_for(persona: str, request) -> Api:
    if persona == "anonymous":
        return Api()
    if persona == "charlie":  # a role is needed for a token: charlie signs in to the console
        api = Api()
        api.client.force_login(request.getfixturevalue("charlie"))
        return api
    if persona in {"read-only", "revoked", "expired"}:
        bob = request.getfixturevalue("bob")
        if persona == "read-only":
            return Api(make_token(bob, read_only=True))
        if persona == "expired":
            return Api(make_token(bob, expires_in_days=1, now=NOW - dt.timedelta(days=2)))
        secret = make_token(bob)
        token = ApiToken.objects.get(digest=services.digest_of(secret))
        services.revoke_token(token=token, actor=Actor.for_user(bob), now=NOW)
        return Api(secret)
    return Api(make_token(request.getfixturevalue(persona)))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_persona_gets_what_its_role_allows(name, persona, objects, request):
    case = CASES[name]
    api = client_for(persona, request)
    body = case.body(objects) if callable(case.body) else case.body

    response = getattr(api, case.method)(case.url(objects), body)

    assert response.status_code == expected(case, persona), response.content[:500]
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message", "suggestions"}


def _regex(pattern) -> str:
    return pattern.pattern.regex.pattern.removeprefix("^").removesuffix("\\Z").removesuffix("$")


def _api_routes(patterns=None, prefix: str = "") -> dict[str, str]:
    """Every URL pattern under /api/: its name, and the regex of its whole path."""
    routes = {}
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            routes.update(_api_routes(pattern.url_patterns, prefix + _regex(pattern)))
        elif isinstance(pattern, URLPattern) and prefix.startswith("api/"):
            routes[pattern.name] = prefix + _regex(pattern)
    return routes


def test_every_api_url_is_in_the_matrix(objects):
    # The docs pages are for people (tests/api/test_schema.py); everything else is an endpoint here.
    routes = {name: regex for name, regex in _api_routes().items() if name not in {"docs", "redoc", "not-found"}}
    urls = {case.url(objects).split("?")[0].removeprefix("/") for case in CASES.values()}
    unmatched = sorted(name for name, regex in routes.items() if not any(re.fullmatch(regex, url) for url in urls))
    assert len(routes) >= 20 and unmatched == []
