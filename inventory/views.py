"""Console pages of the inventory: fetch through a permission helper, call a service, render."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.forms import add_service_errors, rendering_key
from common.paging import paginate
from common.panels import panels_for
from inventory import caching, permissions, services
from inventory.filters import AIModelFilterSet, sort_headers
from inventory.forms import AIModelForm, StatusForm
from inventory.history import model_history
from inventory.listing import list_rows
from inventory.models import ALLOWED_TRANSITIONS, AIModel, Status

# The inventory list and the model page, as other apps name them to add a panel (common.panels).
LIST_PAGE = "inventory.list"
MODEL_PAGE = "inventory.model"


def _today():
    return timezone.localdate()


def model_list(request: HttpRequest) -> HttpResponse:
    permissions.require_view(request.user)
    today = _today()
    filterset = AIModelFilterSet(request.GET, queryset=AIModel.objects.for_list(), today=today)
    # The count of the selection (a whole scan of the table on PostgreSQL at 100,000 models) is read
    # once per change of the inventory, per filter and per day (the review filters count by date).
    queryset = filterset.qs
    count = caching.per_change(request, f"list-count:{rendering_key(filterset.form, today)}", queryset.count)
    paged = paginate(request, queryset, settings.MLTRACK_PAGE_SIZE, count=count)
    suggestions = caching.per_change(request, "values-in-use", AIModel.objects.values_in_use)
    for name in suggestions:
        filterset.form.fields[name].widget.attrs["list"] = f"{name}-values"
    return render(
        request,
        "inventory/aimodel_list.html",
        {
            "filter": filterset,
            "page": paged.page,
            "models": paged.items,
            # Each model on the page with where it stands against its review date, and its cells' words.
            "rows": list_rows(paged.items, today=today),
            "sort_headers": sort_headers(filterset.form),
            "today": today,
            "query": paged.query.urlencode(),
            "can_add": permissions.can_add(request.user),
            "panels": panels_for(LIST_PAGE, request, None, today),
            "suggestions": suggestions,
            "filter_key": rendering_key(filterset.form, sorted(suggestions)),
        },
    )


def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    model = permissions.get_model_for_user(request.user, pk)
    today = _today()
    # A decommissioned model is final: nothing to edit, and kept for the record (no delete).
    final = model.status == Status.DECOMMISSIONED
    can_edit = permissions.can_edit(request.user, model) and not final
    return render(
        request,
        "inventory/aimodel_detail.html",
        {
            "model": model,
            "today": today,
            "due": model.due_state(today=today),
            "history": model_history(model),
            "cycle_days": model.review_policy.cycle_days(model.risk_tier),
            "panels": panels_for(MODEL_PAGE, request, model, today),
            "can_edit": can_edit,
            "can_delete": permissions.can_delete(request.user) and not final,
            # Lifecycle changes belong to those who govern models (the service refuses anyone else).
            "transitions": sorted(ALLOWED_TRANSITIONS[Status(model.status)])
            if permissions.can_govern(request.user) else [],
        },
    )


def model_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_add(request.user):
        raise PermissionDenied("Your role cannot add models.")
    actor = services.Actor.for_user(request.user)
    form = AIModelForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            model = services.create_model(data=form.cleaned_data, actor=actor, today=_today())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added {model.model_name}.")
            return redirect(model)
    return render(request, "inventory/aimodel_form.html", {"form": form, "title": "Add a model"})


def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    model = permissions.get_model_for_user(request.user, pk, writable=True)
    actor = services.Actor.for_user(request.user)
    form = AIModelForm(request.POST or None, instance=model, actor=actor)
    invalidated: list[str] = []
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        invalidated = services.review_invalidated_by(model, changes)
        if invalidated and request.POST.get("confirm_review_change") != "yes":
            # Say so before saving: this change puts a reviewed model out of compliance until its next review.
            return render(request, "inventory/aimodel_form.html", {
                "form": form, "model": model, "title": f"Edit {model.model_name}",
                "invalidated": [AIModel._meta.get_field(name).verbose_name for name in invalidated]})
        try:
            services.update_model(model=model, changes=changes, actor=actor, today=_today())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {model.model_name}.")
            return redirect(model)
    return render(
        request, "inventory/aimodel_form.html", {"form": form, "model": model, "title": f"Edit {model.model_name}"}
    )


@require_POST
def model_status(request: HttpRequest, pk: int) -> HttpResponse:
    model = permissions.get_model_for_user(request.user, pk, writable=True)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status: " + ", ".join(Status.values) + ".")
        return redirect(model)
    old = model.status
    try:
        services.change_status(
            model=model, status=form.cleaned_data["status"], actor=services.Actor.for_user(request.user), today=_today()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{model.model_name}: status changed from {old} to {model.status}.")
    return redirect(model)


class DecommissionForm(forms.Form):
    reason = forms.CharField(label="Why is it decommissioned?", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Kept in the model's history. Decommissioning is final.")


def model_decommission(request: HttpRequest, pk: int) -> HttpResponse:
    """Decommissioning is final: a page that says so, asks for the reason, and then confirms."""
    model = permissions.get_model_for_user(request.user, pk, writable=True)
    form = DecommissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_status(model=model, status=Status.DECOMMISSIONED, actor=services.Actor.for_user(request.user),
                                   today=_today(), reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{model.model_name} is decommissioned.")
            return redirect(model)
    return render(request, "inventory/aimodel_decommission.html", {"model": model, "form": form},
                  status=400 if request.method == "POST" else 200)


def model_delete(request: HttpRequest, pk: int) -> HttpResponse:
    model = permissions.get_model_for_user(request.user, pk)
    if not permissions.can_delete(request.user):
        raise PermissionDenied("Your role cannot delete models.")
    if request.method == "POST":
        try:
            services.delete_model(model=model, actor=services.Actor.for_user(request.user))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(model)
        messages.success(request, f"Deleted {model.model_name}.")
        return redirect("inventory:list")
    return render(request, "inventory/aimodel_confirm_delete.html", {"model": model})

