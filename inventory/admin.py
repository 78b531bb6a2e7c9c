"""The Django admin, customised for the inventory. Every write goes through inventory.services."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from common.forms import ISODateField
from inventory import permissions, services
from inventory.forms import ServiceValidatedForm
from inventory.models import AIModel, ReviewPolicy


class OverdueFilter(admin.SimpleListFilter):
    title = "review schedule"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("due_30", "Due in 30 days"), ("never", "Never reviewed")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(today=today)
        if self.value() == "due_30":
            return queryset.due_within(today=today, days=30)
        if self.value() == "never":
            return queryset.filter(last_review_date__isnull=True)
        return queryset


class AIModelAdminForm(ServiceValidatedForm):
    class Meta:
        model = AIModel
        fields = [*services.EDITABLE_FIELDS, "status"]
        field_classes = {"deployment_date": ISODateField}


@admin.register(AIModel)
class AIModelAdmin(SimpleHistoryAdmin):
    form = AIModelAdminForm
    list_display = [
        "model_name", "vendor", "risk_tier", "deployment_environment", "status",
        "last_review_date", "next_review_date", "review_due",
    ]
    list_filter = ["risk_tier", "status", "deployment_environment", OverdueFilter, "model_type", "vendor"]
    search_fields = ["model_name", "vendor", "use_case", "business_owner", "technical_owner"]
    readonly_fields = [
        "last_review_date", "next_review_date", "review_policy", "review_due", "created_at", "updated_at",
    ]
    list_select_related = ["owner"]
    list_per_page = 50
    # An exact count of 100,000 filtered rows on every page load is wasted work.
    show_full_result_count = False
    fieldsets = [
        ("Identity", {"fields": ["model_name", "model_version", "vendor", "model_type", "risk_tier", "use_case", "business_line"]}),
        ("Ownership", {"fields": ["business_owner", "technical_owner", "owner"]}),
        ("Deployment", {"fields": ["deployment_date", "deployment_environment", "api_endpoint", "data_classification"]}),
        ("Lifecycle and schedule", {"fields": ["status", "last_review_date", "next_review_date", "review_policy", "review_due"]}),
        ("Notes", {"fields": ["notes", "created_at", "updated_at"]}),
    ]
    history_list_display = ["history_actor", "history_change_reason"]

    @admin.display(description="review due")
    def review_due(self, obj: AIModel) -> str:
        # Words, not the admin's boolean icons: a green tick beside an overdue model reads as "fine".
        if obj.pk is None:
            return "—"
        due = obj.due_state(today=timezone.localdate())
        if due.overdue:
            return format_html("<strong>{}</strong>", due.words())
        return due.words()

    def get_form(self, request: HttpRequest, obj: AIModel | None = None, **kwargs):
        # The services' rules depend on who is acting: the form class carries the acting user.
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": services.Actor.for_user(request.user)})

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        # The history page holds a revert form whose POST the history app lets through with the view
        # permission alone; a revert is an edit, so it needs the edit permission (and the update
        # service checks the role again whatever this says).
        if request.method == "POST":
            model = self.get_object(request, object_id)
            if model is None or not self.has_change_permission(request, model):
                raise PermissionDenied("Only someone who may edit this model may revert it.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_permission(self, request: HttpRequest, obj: AIModel | None = None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        return permissions.can_edit(request.user, obj)

    def save_model(self, request: HttpRequest, obj: AIModel, form, change: bool) -> None:
        actor = services.Actor.for_user(request.user)
        today = timezone.localdate()
        data = {name: form.cleaned_data[name] for name in form.fields}
        if change:
            model = AIModel.objects.get(pk=obj.pk)
            changes = {name: data[name] for name in form.changed_data}
            saved = services.update_model(model=model, changes=changes, actor=actor, today=today)
        else:
            saved = services.create_model(data=data, actor=actor, today=today)
        # The admin reads obj afterwards (messages, redirects).
        obj.pk = saved.pk
        obj.__dict__.update(saved.__dict__)

    def delete_model(self, request: HttpRequest, obj: AIModel) -> None:
        services.delete_model(model=obj, actor=services.Actor.for_user(request.user))

    def get_actions(self, request):
        # Bulk delete would bypass the rule that reviewed models are never deleted.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: AIModel | None = None) -> bool:
        if obj is not None and obj.last_review_date is not None:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(admin.ModelAdmin):
    """Policy versions are published in the console (with what they would change, before confirming)
    and never edited or deleted: a change is a new version; a version not yet in force is withdrawn."""

    list_display = ["version", "effective_date", "critical_days", "high_days", "medium_days", "low_days", "created_by",
                    "withdrawn_at"]
    readonly_fields = ["version", "effective_date", "critical_days", "high_days", "medium_days", "low_days",
                       "approval_reference", "rationale", "correction_reason", "created_by", "created_at",
                       "withdrawn_at", "withdrawn_by", "withdrawal_reason"]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        # One way to publish: the console's page, which shows the version's effect before it is confirmed.
        if not self.has_add_permission(request):
            raise PermissionDenied("Only administrators publish review policy versions.")
        return redirect("inventory:policy-publish")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_policy(request.user)

    def has_change_permission(self, request: HttpRequest, obj: ReviewPolicy | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReviewPolicy | None = None) -> bool:
        return False
