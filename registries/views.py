"""The registries in the console: each registry's last reconciliation in four groups, reconciling
by hand, adopting an untracked registered model, and linking a model by hand (a panel on the
model page). Every write goes through registries.services, which checks the role itself."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.actors import Actor
from common.forms import add_service_errors
from common.paging import paginate
from common.panels import Panel
from inventory import permissions as inventory_permissions
from inventory.forms import AIModelForm
from inventory.models import AIModel
from registries import permissions, services
from registries.models import Finding, Reconciliation, Registry

PAGE_SIZE = 50
# Names offered as suggestions in the model page's link form.
SUGGESTED = 500
GROUPS = [Finding.Kind.UNTRACKED, Finding.Kind.ORPHANED, Finding.Kind.CHANGED, Finding.Kind.LINKED]
NO_RECONCILE_MESSAGE = "Only model risk officers and administrators reconcile registries and adopt or link models."


def _viewer(request: HttpRequest) -> None:
    if not (permissions.can_view(request.user) and inventory_permissions.can_view(request.user)):
        raise PermissionDenied(permissions.NO_VIEW_MESSAGE)


@require_GET
def registry_list(request: HttpRequest) -> HttpResponse:
    """Every registry with its latest run's counts (two queries)."""
    _viewer(request)
    latest = {run.registry_id: run for run in Reconciliation.objects.latest_per_registry()}
    registries = [(registry, latest.get(registry.pk)) for registry in Registry.objects.order_by("name")]
    return render(request, "registries/list.html", {
        "registries": registries, "can_manage": permissions.can_manage(request.user),
        "can_reconcile": permissions.can_reconcile(request.user),
    })


@require_GET
def registry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The last reconciliation of a registry, one group at a time, paginated."""
    _viewer(request)
    registry = get_object_or_404(Registry, pk=pk)
    run = Reconciliation.objects.filter(registry=registry).exclude(finished_at=None).first()
    group = request.GET.get("group", Finding.Kind.UNTRACKED)
    if group not in Finding.Kind.values:
        group = Finding.Kind.UNTRACKED
    shown = run if run is not None and run.outcome == Reconciliation.Outcome.OK else _last_ok(registry)
    rows = (shown.findings.filter(kind=group).select_related("model").order_by("registered_name", "pk")
            if shown else Finding.objects.none())
    paged = paginate(request, rows, PAGE_SIZE)
    return render(request, "registries/detail.html", {
        "registry": registry, "run": run, "shown": shown, "group": group,
        "groups": [(kind, Finding.Kind(kind).label, getattr(shown, kind, 0) if shown else 0) for kind in GROUPS],
        "page": paged.page, "findings": paged.items, "query": paged.query.urlencode(),
        "can_reconcile": permissions.can_reconcile(request.user),
    })


def _last_ok(registry: Registry) -> Reconciliation | None:
    return Reconciliation.objects.filter(registry=registry, outcome=Reconciliation.Outcome.OK).first()


@require_POST
def reconcile(request: HttpRequest, pk: int) -> HttpResponse:
    _viewer(request)
    registry = get_object_or_404(Registry, pk=pk)
    run = services.reconcile_registry(registry=registry, actor=Actor.for_user(request.user), now=timezone.now())
    if run.outcome == Reconciliation.Outcome.OK:
        messages.success(request, f"Reconciled {registry.name}: {run.untracked} untracked, {run.orphaned} orphaned, "
                                  f"{run.changed} changed, {run.linked} linked.")
    else:
        messages.error(request, f"{registry.name} was not reconciled: {run.error}")
    return redirect(registry)


@require_http_methods(["GET", "POST"])
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """The inventory's add form, prefilled from the registry; saving adds the model and links it."""
    _viewer(request)
    finding = get_object_or_404(Finding.objects.select_related("reconciliation__registry"), pk=pk,
                                kind=Finding.Kind.UNTRACKED)
    if not (permissions.can_reconcile(request.user) and inventory_permissions.can_add(request.user)):
        raise PermissionDenied(NO_RECONCILE_MESSAGE)
    actor = Actor.for_user(request.user)
    form = AIModelForm(request.POST or None, actor=actor, initial=services.adoption_initial(finding))
    if request.method == "POST" and form.is_valid():
        try:
            model = services.adopt_model(finding=finding, data=form.cleaned_data, actor=actor,
                                         today=timezone.localdate())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added {model.model_name}, linked to {model.registered_name} "
                                      f"v{model.registered_version} in {model.registry_name}.")
            return redirect(model)
    title = f"Adopt {finding.registered_name} from {finding.reconciliation.registry.name}"
    return render(request, "inventory/aimodel_form.html", {"form": form, "title": title},
                  status=400 if form.errors else 200)


class LinkForm(forms.Form):
    registry = forms.TypedChoiceField(coerce=int)
    registered_name = forms.CharField(label="Registered model", max_length=250,
                                      widget=forms.TextInput(attrs={"list": "registered-names"}))

    def __init__(self, *args, registries: list[Registry], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.registries = {registry.pk: registry for registry in registries}
        self.fields["registry"].choices = [(registry.pk, registry.name) for registry in registries]


@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a model by hand to a registered model that the last run of a registry found untracked."""
    model = inventory_permissions.get_model_for_user(request.user, pk)
    registries = list(Registry.objects.order_by("name"))
    form = LinkForm(request.POST or None, registries=registries)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_model(model=model, registry=form.registries[form.cleaned_data["registry"]],
                                registered_name=form.cleaned_data["registered_name"].strip(),
                                actor=Actor.for_user(request.user))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Linked {model.model_name} to {form.cleaned_data['registered_name']}.")
            return redirect(model)
    suggestions = list(Finding.objects.filter(
        kind=Finding.Kind.UNTRACKED, reconciliation__in=Reconciliation.objects.latest_per_registry(),
    ).order_by("registered_name").values_list("registered_name", flat=True)[:SUGGESTED])
    return render(request, "registries/link.html", {"model": model, "form": form, "suggestions": suggestions},
                  status=400 if form.errors else 200)


def link_panel(request: HttpRequest, model: AIModel, today: dt.date) -> Panel | None:
    """The model page's registry section: its registry identity once linked, else (for those who
    may link it) the way to the link form. No query: what it shows is on the model."""
    if not permissions.can_view(request.user):
        return None
    can_link = (not model.registered_name and permissions.can_reconcile(request.user)
                and inventory_permissions.can_edit(request.user, model))
    if not model.registered_name and not can_link:
        return None
    return Panel("registries/includes/model_panel.html", {"model": model})
