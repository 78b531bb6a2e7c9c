"""Every writing service checks the acting user's role itself, so an interface that forgets its own
check still cannot write. Each service is called directly, as each persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cards import services as card_services
from common.actors import Actor
from common.authz import Refused
from inventory import sample_data, scheduling, services
from inventory.models import AIModel
from notifications import deliver, nightly, schedule, subscriptions
from notifications.models import AuditAlarm, Delivery
from reports.jobs import request_report
from reviews import services as review_services
from tests.factories import make_model, model_data

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)


def _review(model: AIModel, actor: Actor):
    entry = review_services.ReviewInput(review_date=TODAY, outcome="passed", reviewer="Jane Smith")
    return review_services.record_review(model=model, entry=entry, actor=actor, today=TODAY, now=NOW)


def _batch(model: AIModel, actor: Actor):
    entry = review_services.ReviewInput(review_date=TODAY, outcome="passed", reviewer="Jane Smith")
    row = review_services.BatchRow(model_name=model.model_name, entry=entry)
    return review_services.append_reviews(rows=[row], actor=actor, today=TODAY, now=NOW)


IMPORT_HEADER = b"model_name,vendor,risk_tier,use_case,business_owner,technical_owner,deployment_date"


def _import(model: AIModel, actor: Actor, *, row: bytes = b"imported,V,low,u,b,t,2026-01-01", **options):
    from transfers.importing import Options
    from transfers.services import import_file

    outcome = import_file(data=IMPORT_HEADER + b"\n" + row + b"\n", name="i.csv", options=Options(**options),
                          actor=actor, today=TODAY, now=NOW)
    assert outcome.ok, outcome.problems


def _import_with_reviews(model: AIModel, actor: Actor):
    from transfers.importing import Options
    from transfers.services import import_file

    outcome = import_file(data=IMPORT_HEADER + b",last_review_date\nimported,V,low,u,b,t,2026-01-01,2026-02-01\n",
                          name="i.csv", options=Options(), actor=actor, today=TODAY, now=NOW)
    assert outcome.ok


def _uploaded(model: AIModel, actor: Actor):
    from transfers.uploads import receive_upload

    receive_upload(data=IMPORT_HEADER + b"\nx,V,low,u,b,t,2026-01-01\n", name="i.csv", actor=actor, now=NOW)


def _export(model: AIModel, actor: Actor):
    from transfers.services import export_inventory

    export_inventory(queryset=AIModel.objects.all(), fmt="csv", actor=actor)
def _schedule(model: AIModel, actor: Actor):
    data = {"name": "Weekly risk", "kind": "risk", "format": "pdf", "every": "weekly", "recipients": "cro@bank.example"}
    return schedule.save_schedule(data=data, actor=actor, now=NOW, today=TODAY)


def _acknowledge(model: AIModel, actor: Actor):
    alarm = AuditAlarm.objects.create(raised_at=NOW, last_seen_at=NOW, summary="BROKEN at record #2")
    return nightly.acknowledge_alarm(alarm_id=alarm.pk, actor=actor, note="", now=NOW)


def _send_again(model: AIModel, actor: Actor):
    row = Delivery.objects.create(recipient="x@bank.example", kind=Delivery.Kind.ALARM, period="p", subject="s",
                                  content_sha256="h", state=Delivery.State.FAILED, claimed_at=NOW)
    return deliver.send_again(delivery_id=row.pk, actor=actor, now=NOW)


def _subscribe(model: AIModel, actor: Actor):
    # Their own digest (the model's owner stands in for an actor without an account).
    return subscriptions.save_subscription(user=actor.user or model.owner, scope="all", value="", frequency="weekly",
                                           actor=actor, now=NOW)


def _registry(model: AIModel, actor: Actor):
    from registries import services as registry_services

    return registry_services.save_registry(actor=actor, data={"name": "mlflow-prod", "url": "http://mlflow.test/"})


def _reconciled(feed_names: tuple[str, ...] = ("fraud",)):
    from registries import services as registry_services
    from tests.registries.fakes import FakeRegistry, make_registry, reconcile, version

    registry = make_registry()
    reconcile(registry, FakeRegistry(*[version(name, 1) for name in feed_names]))
    return registry, registry_services


def _reconcile(model: AIModel, actor: Actor):
    from registries import services as registry_services
    from tests.registries.fakes import FakeRegistry, make_registry, version

    return registry_services.reconcile_registry(registry=make_registry(), actor=actor, now=NOW,
                                                adapter=FakeRegistry(version("fraud", 1)))


def _link(model: AIModel, actor: Actor):
    registry, registry_services = _reconciled()
    return registry_services.link_model(model=model, registry=registry, registered_name="fraud", actor=actor)


def _adopt(model: AIModel, actor: Actor):
    registry, registry_services = _reconciled()
    finding = registry.reconciliations.get().findings.get()
    return registry_services.adopt_model(finding=finding, data=model_data(model_name="fraud"), actor=actor, today=TODAY)


# service -> the personas it allows (everyone else, and an actor with no account, is refused)
WRITES = {
    "create": (lambda m, a: services.create_model(data=model_data(), actor=a, today=TODAY), {"alice", "bob", "carol"}),
    "describe own model": (lambda m, a: services.update_model(model=m, changes={"vendor": "Acme"}, actor=a, today=TODAY),
                           {"alice", "bob", "carol"}),
    "retier": (lambda m, a: services.update_model(model=m, changes={"risk_tier": "low"}, actor=a, today=TODAY),
               {"bob", "carol"}),
    "retire": (lambda m, a: services.change_status(model=m, status="decommissioned", actor=a, today=TODAY,
        reason="retired in tests"),
               {"bob", "carol"}),
    "create retired": (lambda m, a: services.create_model(data=model_data(status="decommissioned"), actor=a, today=TODAY),
                       {"bob", "carol"}),
    "delete": (lambda m, a: services.delete_model(model=m, actor=a), {"bob", "carol"}),
    "publish policy": (lambda m, a: scheduling.publish_review_policy(
        cycles={"critical": 30, "high": 90, "medium": 180, "low": 365}, effective_date=TODAY, approval_reference="x",
        rationale="tests", actor=a, today=TODAY), {"carol"}),
    "apply policy": (lambda m, a: scheduling.apply_review_policy(actor=a, today=TODAY), {"carol"}),
    "sample data": (lambda m, a: sample_data.generate(count=2, seed=1, actor=a, today=TODAY), {"carol"}),
    "record review": (_review, {"bob", "carol"}),
    "import reviews": (_batch, {"bob", "carol"}),
    "import models": (_import, {"alice", "bob", "carol"}),
    "import models with their reviews": (_import_with_reviews, {"bob", "carol"}),
    "upload a file to import": (_uploaded, {"alice", "bob", "carol"}),
    # Reading only: everyone who may read the inventory may export it.
    "export": (_export, {"alice", "bob", "carol", "erin"}),
    # Making a report changes no data: everyone who may read the inventory may ask for one.
    "ask for a report": (lambda m, a: request_report("risk", fmt="pdf", filters={}, actor=a, now=NOW, today=TODAY),
                         {"alice", "bob", "carol", "erin"}),
    "subscribe to digests": (_subscribe, {"alice", "bob", "carol", "erin"}),
    "schedule a report": (_schedule, {"carol"}),
    "acknowledge an audit alarm": (_acknowledge, {"carol"}),
    "send a failed email again": (_send_again, {"carol"}),
    # Cards: the model's owner (alice), model risk officers and administrators write a model's card.
    "edit a model card": (lambda m, a: card_services.update_card_content(model=m, changes={"limitations": "x"}, actor=a),
                          {"alice", "bob", "carol"}),
    "publish a model card": (lambda m, a: card_services.publish_card(kind="model", subject=m, actor=a, now=NOW,
                                                                     today=TODAY), {"alice", "bob", "carol"}),
    "publish model cards in bulk": (
        lambda m, a: card_services.publish_model_cards(models=AIModel.objects.filter(pk=m.pk), actor=a, now=NOW,
                                                       today=TODAY), {"alice", "bob", "carol"}),
    "register an agent": (lambda m, a: card_services.save_agent(data={"name": "Agent"}, actor=a),
                          {"alice", "bob", "carol"}),
    "configure a registry": (_registry, {"carol"}),
    "reconcile a registry": (_reconcile, {"bob", "carol"}),
    # Alice's own model: a model owner edits it, but linking it to a registry is the model risk officers'.
    "link a model to a registry": (_link, {"bob", "carol"}),
    "adopt a registered model": (_adopt, {"bob", "carol"}),
}


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "erin", "charlie"])
def test_each_service_allows_exactly_its_roles(write, persona, request):
    user = request.getfixturevalue(persona)
    model = make_model(owner=request.getfixturevalue("alice"), risk_tier="medium")
    action, allowed = WRITES[write]
    before = AIModel.objects.order_by("pk").values_list("pk", "risk_tier", "status", "vendor")
    before = list(before)

    if persona in allowed:
        action(model, Actor.for_user(user))
    else:
        with pytest.raises(PermissionDenied) as refused:
            action(model, Actor.for_user(user))
        assert f"{persona} (role: " in str(refused.value)
        assert list(AIModel.objects.order_by("pk").values_list("pk", "risk_tier", "status", "vendor")) == before


@pytest.mark.parametrize("write", sorted(WRITES))
def test_an_actor_without_account_or_trust_is_refused(write, alice):
    model = make_model(risk_tier="medium", owner=alice)
    action, _ = WRITES[write]
    with pytest.raises(Refused, match="neither a user account nor a trusted operator"):
        action(model, Actor(name="forgot-to-say"))


def test_a_deactivated_account_is_refused(bob):
    bob.is_active = False
    bob.save()
    with pytest.raises(Refused):
        services.create_model(data=model_data(), actor=Actor.for_user(bob), today=TODAY)


def test_the_scheduler_and_a_local_operator_are_trusted():
    assert services.create_model(data=model_data(), actor=Actor.os_user("jsmith"), today=TODAY).pk
    assert scheduling.apply_review_policy(actor=Actor.system("scheduler"), today=TODAY) == 0
