"""No write outside the roles, on any path: every console, admin and API URL, with every HTTP method
and a body that any of its forms (or, for the API, its endpoint) would accept, as each persona. What each role may not change is
fingerprinted before and after; it must not move, whatever a page or the admin lets through,
because the services check the role themselves.

A new URL that this walk does not know how to fill in fails the test, so new pages are walked too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from api.models import ApiToken
from cards import services as card_services
from cards.models import Agent, AISystem, CardVersion, ModelCardContent
from common.actors import Actor
from inventory import scheduling
from inventory.models import AIModel, ReviewPolicy
from notifications.models import (
    AuditAlarm,
    Delivery,
    DigestSubscription,
    ScheduledReport,
    ScheduledReportRun,
    Verification,
)
from registries.models import Reconciliation, Registry
from reports.models import ReportJob
from reviews.models import ChainCheckpoint, ModelReview
from reviews.verify import verify_chain
from tests.api.conftest import make_token
from tests.factories import make_model, record_review
from transfers.models import Upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

METHODS = ("get", "post", "put", "patch", "delete")
# Named URLs that change nothing anyone governs: signing out (the session only) and the admin's
# redirect to an object's page.
UNWALKED = {"logout", "admin:logout", "admin:view_on_site"}


def _patterns(patterns=None, namespace: str | None = None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _admin_object_id(name: str, objects: dict[str, Any]) -> str:
    app_model = name.removeprefix("admin:").rsplit("_", 1)[0]
    for key in sorted(objects, key=len, reverse=True):
        if app_model.startswith(key):
            return str(objects[key])
    raise AssertionError(f"the walk has no object for {name}: add one to objects()")


def concrete_urls(objects: dict[str, Any]) -> list[tuple[str, str]]:
    """Every named URL of the project, filled in with real objects: (name, URL)."""
    model, review, job = [objects["model"]], [objects["review"]], [objects["job"]]
    by_name = {
        "inventory:detail": [objects["model"]], "inventory:edit": [objects["model"]],
        "inventory:status": [objects["model"]], "inventory:delete": [objects["model"]],
        "inventory:decommission": [objects["model"]],
        "reviews:record": [objects["model"]], "reviews:detail": [objects["review"]],
        "reports:report": ["inventory"], "reports:download": ["inventory", "csv"], "reports:queue": ["risk", "pdf"],
        "inventory:policy-withdraw": [objects["policy"]],
        "reports:job": [objects["job"]], "reports:job-status": [objects["job"]], "reports:job-file": [objects["job"]],
        "transfers:detail": [objects["upload"]], "transfers:mapping": [objects["upload"]],
        "transfers:confirm": [objects["upload"]], "transfers:status": [objects["upload"]],
        "admin:inventory_aimodel_simple_history": [objects["inventory_aimodel"], objects["history"]],
        "admin:auth_user_password_change": [objects["auth_user"]],
        "api:model-detail": model, "api:model-change-status": model, "api:model-history": model,
        "api:review-detail": review, "api:review-policy-detail": [objects["inventory_reviewpolicy"]],
        "api:report-job-detail": job, "api:report-job-file": job,
        "api:token-detail": [objects["token"]], "tokens:revoke": [objects["token"]],
        "notifications:subscription-remove": [objects["subscription"]],
        "notifications:send-again": [objects["delivery"]],
        "notifications:schedule": [objects["schedule"]], "notifications:schedule-delete": [objects["schedule"]],
        "notifications:acknowledge": [objects["alarm"]],
        "api:model-card": model, "api:model-card-cyclonedx": model, "api:model-card-versions": model,
        "api:model-card-version": [objects["model"], 1], "api:model-card-version-cyclonedx": [objects["model"], 1],
        "cards:list": ["system"], "cards:create": ["agent"],
        "cards:card": ["model", objects["model"]], "cards:edit": ["model", objects["model"]],
        "cards:publish": ["model", objects["model"]], "cards:diff": ["model", objects["model"]],
        "cards:version": ["model", objects["model"], 1],
        "registries:detail": [objects["registry"]], "registries:reconcile": [objects["registry"]],
        "registries:adopt": [objects["finding"]], "registries:link": [objects["model"]],
        "api:registry-detail": [objects["registry"]], "api:registry-findings": [objects["registry"]],
        "api:model-card-diff": model,
        **{f"api:{kind}-{suffix}": [objects[kind]] for kind in ("system", "agent")
           for suffix in ("detail", "card", "card-versions", "card-diff")},
        "api:system-card-version": [objects["system"], 1], "api:agent-card-version": [objects["agent"], 1],
    }
    urls = []
    for name in sorted(set(_patterns())):
        if name in UNWALKED or name.endswith(":?"):
            continue
        if name == "admin:app_list":
            urls += [(name, reverse(name, args=[label])) for label in ("auth", "axes", "inventory", "reviews",
                                                                       "notifications", "django_celery_beat",
                                                                       "registries")]
        elif name in by_name:
            urls.append((name, reverse(name, args=by_name[name])))
        elif name.startswith("admin:") and name.count("_") >= 2 and name.rsplit("_", 1)[-1] in {"change", "delete", "history"}:
            urls.append((name, reverse(name, args=[_admin_object_id(name, objects)])))
        elif name == "api:not-found":
            urls.append((name, "/api/v1/no-such-endpoint/"))
        else:
            urls.append((name, reverse(name)))  # a URL with parameters the walk cannot fill fails here
    return urls


def body(objects: dict[str, Any]) -> dict[str, Any]:
    """What any form of the project would take: a model, a status, a review, a policy, a sample-data
    count, an admin delete confirmation and bulk action, a user's groups and flags."""
    administrators = Group.objects.get(name="Administrator")
    return {
        "model_name": "walked-in", "vendor": "Walker", "risk_tier": "low", "use_case": "x",
        "business_owner": "x", "technical_owner": "x", "deployment_date": "2026-01-01",
        "deployment_environment": "dev", "data_classification": "public", "status": "decommissioned",
        "owner": str(objects["owner"]), "review_date": "2026-11-27", "outcome": "passed",
        "reviewer": "Walker", "performed_by_me": "on", "effective_date": "2027-03-01", "critical_days": "30",
        "high_days": "90", "medium_days": "180", "low_days": "365", "approval_reference": "walk", "rationale": "walk",
        "reason": "walk", "count": "3",
        "post": "yes", "action": "delete_selected", "_selected_action": [str(objects["model"])],
        "username": "walker", "is_superuser": "on", "is_staff": "on", "is_active": "on",
        "groups": [str(administrators.pk)], "user_permissions": [str(p.pk) for p in Permission.objects.all()[:5]],
        "password1": "a-long-pass-phrase-1", "password2": "a-long-pass-phrase-1", "name": "Walkers",
        "permissions": [str(p.pk) for p in Permission.objects.all()[:5]],
        # An import's mapping (its first column to the model name) and its confirmation.
        "column_0": "model_name", "continue_on_error": "on",
        # A digest subscription, a scheduled report, an alarm's acknowledgement, a scheduler job.
        "scope": "all", "frequency": "off", "kind": "risk", "format": "csv", "every": "daily",
        "recipients": "walker@bank.example", "note": "walked", "task": "reports.tasks.sweep_report_jobs",
        "enabled": "on", "every_0": "5", "period": "seconds",
        # A model card's sections, an agent's fields.
        "intended_use": "walked", "limitations": "walked", "autonomy_level": "supervised",
        "stop_procedure": "walked", "ai_models": "",
    }


def api_body(name: str, objects: dict[str, Any]) -> dict[str, Any]:
    """What an API endpoint would take (its input serializers refuse fields they do not know, so the
    forms' catch-all body would be refused before reaching a service)."""
    bodies = {
        "api:model-list": {"model_name": "walked-in-api", "vendor": "Walker", "risk_tier": "low", "use_case": "x",
                           "business_owner": "x", "technical_owner": "x", "deployment_date": "2026-01-01",
                           "status": "decommissioned", "owner": "bob"},
        "api:model-detail": {"risk_tier": "low", "vendor": "Walker", "owner": "alice", "model_name": "walked"},
        "api:model-change-status": {"status": "decommissioned"},
        "api:review-list": {"model": objects["model"], "review_date": "2026-11-27", "outcome": "passed",
                            "reviewer": "Walker"},
        "api:review-detail": {"outcome": "failed", "notes": "rewritten"},
        "api:review-policy-list": {"effective_date": "2026-11-27", "critical_days": 1, "high_days": 1,
                                   "medium_days": 1, "low_days": 1, "approval_reference": "walk"},
        "api:report-request": {"kind": "risk", "format": "csv"},
        "api:token-list": {"name": "walker"},
        "api:model-card": {"limitations": "walked through the API"},
        # bob's system and agent keep their owner, so that nothing but the role stops a change.
        "api:system-list": {"name": "walked-system-api", "owner": "bob", "ai_models": []},
        "api:system-detail": {"purpose": "walked through the API", "owner": "bob", "ai_models": []},
        "api:agent-list": {"name": "walked-agent-api", "owner": "bob", "autonomy_level": "autonomous"},
        "api:agent-detail": {"stop_procedure": "walked through the API", "owner": "bob"},
    }
    return bodies.get(name, {})


def _digest(rows) -> str:
    return hashlib.sha256(json.dumps(list(rows), default=str, sort_keys=True).encode()).hexdigest()


def fingerprint(existing: list[int]) -> dict[str, str]:
    """Digests of what the roles govern; ``existing`` are the models there before the walk (a model
    owner may add models, and sets the tier of what she adds, but no existing model's tier)."""
    users = get_user_model().objects.order_by("pk")
    models = AIModel.objects.order_by("pk")
    return {
        "models": _digest(models.values()),
        "governed": _digest(models.filter(pk__in=existing).values("pk", "risk_tier", "status", "owner_id")),
        "others' models": _digest(models.exclude(owner__username="alice").values()),
        "sample data": str(AIModel.history.filter(history_change_reason="sample data").count()),
        "policies": _digest(ReviewPolicy.objects.order_by("pk").values()),
        "reviews": _digest(ModelReview.objects.order_by("sequence").values_list("pk", "chain_hash")),
        "accounts": _digest(users.values("pk", "username", "password", "is_staff", "is_superuser", "is_active")),
        "roles": _digest(users.values_list("pk", "groups", "user_permissions")),
        "role permissions": _digest(Group.objects.order_by("pk").values_list("pk", "name", "permissions")),
        "checkpoints": str(ChainCheckpoint.objects.count()),
        "report jobs": str(ReportJob.objects.count()),
        "tokens": _digest(ApiToken.objects.order_by("pk").values("pk", "user_id", "revoked_at", "read_only")),
        "others' tokens": _digest(ApiToken.objects.filter(user__username="carol").order_by("pk")
                                  .values("pk", "revoked_at", "read_only", "expires_at")),
        "imports": _digest(Upload.objects.order_by("pk").values_list("pk", "state", "mapping")),
        # Carol's own subscriptions: every other role may change only its own.
        "others' subscriptions": _digest(DigestSubscription.objects.filter(user__username="carol").values()),
        "scheduled reports": _digest(ScheduledReport.objects.order_by("pk").values()),
        "emails": _digest(Delivery.objects.order_by("pk").values("pk", "state", "attempts", "next_attempt_at")),
        "alarms": _digest(AuditAlarm.objects.order_by("pk").values()),
        "scheduler jobs": _digest(PeriodicTask.objects.order_by("pk").values(
            "pk", "name", "task", "interval_id", "crontab_id", "enabled", "expire_seconds")),
        "scheduler intervals": _digest(IntervalSchedule.objects.order_by("pk").values()),
        "cards": _digest([*ModelCardContent.objects.order_by("pk").values(),
                          *CardVersion.objects.order_by("pk").values("pk", "sha256")]),
        "agents": _digest(Agent.objects.order_by("pk").values()),
        "systems": _digest([*AISystem.objects.order_by("pk").values(),
                            *AISystem.ai_models.through.objects.order_by("pk").values()]),
        # A model owner registers her own, and may change only those.
        "others' systems and agents": _digest([
            *AISystem.objects.exclude(owner__username="alice").order_by("pk").values(),
            *AISystem.ai_models.through.objects.exclude(aisystem__owner__username="alice").order_by("pk").values(),
            *Agent.objects.exclude(owner__username="alice").order_by("pk").values(),
            *Agent.ai_models.through.objects.exclude(agent__owner__username="alice").order_by("pk").values()]),
        "registries": _digest(Registry.objects.order_by("pk").values()),
        "reconciliations": str(Reconciliation.objects.count()),
    }


# Notifications' records that only administrators change.
ADMINISTRATORS_ONLY = {"others' subscriptions", "scheduled reports", "emails", "alarms", "scheduler jobs",
                       "scheduler intervals", "registries"}
# What each role must leave exactly as it found it, whatever it requests.
UNTOUCHABLE = {
    "charlie": "all",
    "erin": {"cards", "agents", "systems", "models", "governed", "others' models", "sample data", "policies", "reviews", "accounts",
             "roles", "role permissions", "others' tokens", "imports", "reconciliations", *ADMINISTRATORS_ONLY},
    "alice": {"cards", "others' systems and agents", "governed", "others' models", "sample data", "policies", "reviews", "accounts", "roles",
              "role permissions", "others' tokens", "imports", "reconciliations", *ADMINISTRATORS_ONLY},
    "bob": {"sample data", "policies", "accounts", "roles", "role permissions", "others' tokens", *ADMINISTRATORS_ONLY},
}


@pytest.fixture
def objects(alice, bob, carol, erin, charlie) -> dict[str, Any]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    mine = make_model(model_name="alices-model", owner=alice, risk_tier="medium")
    theirs = make_model(model_name="bobs-model", owner=bob, risk_tier="critical")
    review = record_review(theirs, review_date=dt.date(2026, 11, 20)).review
    card_services.publish_card(kind="model", subject=theirs, actor=Actor(name="tests", trusted=True),
                               now=dt.datetime(2026, 11, 27, tzinfo=dt.UTC), today=dt.date(2026, 11, 27))
    subjects = _subject_objects(bob)
    job = ReportJob.objects.create(kind="risk", format="pdf", requested_by=bob, requested_by_name="bob",
                                   requested_at=dt.datetime(2026, 11, 27, tzinfo=dt.UTC), as_of=dt.date(2026, 11, 27))
    checkpoint = ChainCheckpoint.objects.create(sequence=1, chain_hash=review.chain_hash,
                                                verified_at=dt.datetime(2026, 11, 27, tzinfo=dt.UTC), verified_by="t")
    attempt = AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=1)
    log = AccessLog.objects.create(username="x", ip_address="10.0.0.1")
    failure = AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1")
    scheduled = scheduling.publish_review_policy(
        cycles={"critical": 30, "high": 60, "medium": 180, "low": 365}, effective_date=dt.date(2027, 6, 1),
        approval_reference="walk", rationale="a version not yet in force, to withdraw", today=dt.date(2026, 11, 27),
        actor=Actor(name="tests", trusted=True))
    make_token(carol, name="the administrator's")
    # bob's import of one new model, its columns found and not yet matched.
    upload = Upload.objects.create(
        uploaded_by=bob, uploaded_at=dt.datetime(2026, 11, 27, tzinfo=dt.UTC), file_name="walk.csv", format="csv",
        content=b"model_name,vendor,risk_tier,use_case,business_owner,technical_owner,deployment_date\n"
                b"imported-on-the-walk,V,low,u,b,t,2026-01-01\n", size=100,
        columns=[{"table": "models", "header": name, "field": name, "suggested": None, "samples": []} for name in
                 ("model_name", "vendor", "risk_tier", "use_case", "business_owner", "technical_owner",
                  "deployment_date")],
    )
    notifications = _notification_objects(carol, job)
    registries = _registry_objects()
    return {
        **notifications,
        **registries,
        **subjects,
        "policy": scheduled.pk,
        "token": ApiToken.objects.get().pk,
        # The walked model keeps its owner in the body, so that nothing but the role stops a change.
        "model": theirs.pk, "owner": bob.pk, "mine": mine.pk, "review": review.pk, "job": job.pk,
        "upload": upload.pk,
        "history": theirs.history.latest("history_date").history_id,
        "inventory_aimodel": theirs.pk, "inventory_reviewpolicy": ReviewPolicy.objects.get(version=1).pk,
        "reviews_modelreview": review.pk, "reviews_chaincheckpoint": checkpoint.pk,
        "auth_user": get_user_model().objects.get(username="charlie").pk,
        "auth_group": Group.objects.get(name="Examiner").pk,
        "axes_accessattempt": attempt.pk, "axes_accesslog": log.pk, "axes_accessfailurelog": failure.pk,
    }


def _notification_objects(carol, job: ReportJob) -> dict[str, Any]:
    from django_celery_beat.models import ClockedSchedule, CrontabSchedule, SolarSchedule

    from mltrack_site.scheduler import install_defaults

    now = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
    install_defaults(settings.CELERY_BEAT_SCHEDULE)
    subscription = DigestSubscription.objects.create(user=carol, scope="all", frequency="daily", created_at=now,
                                                     updated_at=now)
    delivery = Delivery.objects.create(recipient="x@bank.example", kind=Delivery.Kind.DAILY_DIGEST, period="p",
                                       subject="s", content_sha256="h", state=Delivery.State.FAILED, attempts=5,
                                       claimed_at=now)
    schedule = ScheduledReport.objects.create(name="walked", kind="risk", format="csv", recipients="a@bank.example",
                                              created_by_name="carol", created_at=now, updated_at=now)
    run = ScheduledReportRun.objects.create(schedule=schedule, period="2026-11-27", job=job, created_at=now)
    verification = Verification.objects.create(started_at=now, ok=False, summary="broken")
    alarm = AuditAlarm.objects.create(raised_at=now, last_seen_at=now, summary="broken", verification=verification)
    return {
        "subscription": subscription.pk, "delivery": delivery.pk, "schedule": schedule.pk, "alarm": alarm.pk,
        "notifications_digestsubscription": subscription.pk, "notifications_delivery": delivery.pk,
        "notifications_scheduledreportrun": run.pk, "notifications_scheduledreport": schedule.pk,
        "notifications_verification": verification.pk, "notifications_auditalarm": alarm.pk,
        "django_celery_beat_periodictask": PeriodicTask.objects.order_by("pk").first().pk,
        "django_celery_beat_intervalschedule": IntervalSchedule.objects.order_by("pk").first().pk,
        "django_celery_beat_crontabschedule": CrontabSchedule.objects.create(minute="0", hour="4").pk,
        "django_celery_beat_solarschedule": SolarSchedule.objects.create(event="sunrise", latitude=51, longitude=0).pk,
        "django_celery_beat_clockedschedule": ClockedSchedule.objects.create(clocked_time=now).pk,
    }


def _subject_objects(bob) -> dict[str, Any]:
    """bob's AI system and agent (using bob's model), each with a published card."""
    trusted = Actor(name="tests", trusted=True)
    objects = {}
    for kind, save in (("system", card_services.save_system), ("agent", card_services.save_agent)):
        subject = save(data={"name": f"bob's {kind}", "owner": bob, "ai_models": ["bobs-model"]}, actor=trusted)
        card_services.publish_card(kind=kind, subject=subject, actor=trusted,
                                   now=dt.datetime(2026, 11, 27, tzinfo=dt.UTC), today=dt.date(2026, 11, 27))
        objects[kind] = subject.pk
    objects["cards_aisystem"], objects["cards_agent"] = objects["system"], objects["agent"]
    return objects


def _registry_objects() -> dict[str, Any]:
    from tests.registries.fakes import FakeRegistry, make_registry, reconcile, version

    # A registry nobody listens at (reconciling it is a quick, recorded failure), last read with one
    # untracked model to adopt.
    registry = make_registry(url="http://127.0.0.1:9/")
    run = reconcile(registry, FakeRegistry(version("walked-registered", 1)))
    return {"registry": registry.pk, "finding": run.findings.get().pk, "registries_registry": registry.pk,
            "registries_reconciliation": run.pk}


def walk(client, objects: dict[str, Any]) -> list[str]:
    """Request every URL with every method; return what answered 500. The API is sent JSON it would take."""
    form = body(objects)
    errors = []
    for name, url in concrete_urls(objects):
        api = name.startswith("api:")
        data = api_body(name, objects) if api else form
        for method in METHODS:
            if method == "get":
                response = client.get(url)
            elif method == "post" and not api:
                response = client.post(url, data)
            else:
                response = getattr(client, method)(url, json.dumps(data), content_type="application/json")
            if response.status_code >= 500:
                errors.append(f"{method.upper()} {url}: {response.status_code}")
    return errors


@pytest.mark.parametrize("persona", ["charlie", "erin", "alice", "bob"])
def test_no_role_writes_what_it_may_not_on_any_path(client, objects, persona, request):
    user = request.getfixturevalue(persona)
    # The owner's own model gets walked too: she may describe it, never retier or retire it.
    urls_of_hers = [reverse(name, args=[objects["mine"]]) for name in ("inventory:edit", "inventory:status")]
    existing = list(AIModel.objects.values_list("pk", flat=True))
    before = fingerprint(existing)
    client.force_login(user)

    errors = walk(client, objects)
    for url in urls_of_hers:
        client.post(url, body(objects))

    after = fingerprint(existing)
    protected = before.keys() if UNTOUCHABLE[persona] == "all" else UNTOUCHABLE[persona]
    moved = sorted(key for key in protected if before[key] != after[key])
    assert moved == [], f"{persona} changed {moved}"
    assert errors == []


def test_the_walk_reaches_writes_that_the_roles_allow(client, objects, carol):
    # Proof that the walk's requests really write when the role allows it: the administrator's walk
    # changes models, adds sample data and a policy version, and still never touches a review record.
    existing = list(AIModel.objects.values_list("pk", flat=True))
    before = fingerprint(existing)
    first_record = list(ModelReview.objects.values_list("sequence", "pk", "chain_hash"))
    client.force_login(carol)

    assert walk(client, objects) == []

    after = fingerprint(existing)
    assert {key for key in before if before[key] != after[key]} >= {"models", "sample data", "policies", "reviews",
                                                                    "tokens", "others' tokens", "scheduled reports",
                                                                    "alarms", "emails", "scheduler jobs", "cards",
                                                                    "agents", "systems", "reconciliations"}
    # The API's writes went through too: a model added, a token made, the other token revoked.
    assert AIModel.objects.filter(model_name="walked-in-api").exists()
    assert AISystem.objects.filter(name="walked-system-api").exists() and Agent.objects.filter(
        name="walked-agent-api").exists()
    assert set(ApiToken.objects.values_list("name", flat=True)) >= {"walker", "Walkers"}
    assert ApiToken.objects.get(name="the administrator's").revoked_by == "carol"
    # Review records were added (a review, sample data's reviews), never changed or removed.
    assert list(ModelReview.objects.filter(sequence=1).values_list("sequence", "pk", "chain_hash")) == first_record
    assert verify_chain(now=dt.datetime(2026, 11, 27, 13, tzinfo=dt.UTC)).chain_ok
