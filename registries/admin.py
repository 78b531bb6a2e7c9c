"""Administrators configure registries in the admin. The token is write-only: the form never shows
it (only whether one is stored), and the save goes through registries.services (role checked there)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from common.actors import Actor
from registries import permissions, services
from registries.models import Reconciliation, Registry


class RegistryForm(forms.ModelForm):
    token = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                            help_text="A bearer token for the registry's API. Stored encrypted and never shown; "
                                      "leave blank to keep the stored one.")
    clear_token = forms.BooleanField(required=False, help_text="Remove the stored token.")

    class Meta:
        model = Registry
        fields = ["name", "kind", "url", "enabled"]

    def _post_clean(self) -> None:
        # The service's own checks (name, URL), so that the admin shows what the service refuses.
        data = {**self.cleaned_data}
        if self.errors:
            return
        try:
            services.check_registry(data=data, registry=self.instance)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)


@admin.register(Registry)
class RegistryAdmin(admin.ModelAdmin):
    form = RegistryForm
    list_display = ["name", "kind", "url", "enabled", "token_stored"]
    readonly_fields = ["token_stored"]

    @admin.display(boolean=True, description="token stored")
    def token_stored(self, registry: Registry) -> bool:
        return registry.has_token

    def has_add_permission(self, request) -> bool:
        return permissions.can_manage(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.can_manage(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return permissions.can_manage(request.user)

    def save_model(self, request, obj, form, change) -> None:
        services.save_registry(actor=Actor.for_user(request.user), data=form.cleaned_data,
                               registry=obj)

    def delete_model(self, request, obj) -> None:
        services.delete_registry(actor=Actor.for_user(request.user), registry=obj)

    def delete_queryset(self, request, queryset) -> None:
        for registry in queryset:
            services.delete_registry(actor=Actor.for_user(request.user), registry=registry)


@admin.register(Reconciliation)
class ReconciliationAdmin(admin.ModelAdmin):
    list_display = ["registry", "started_at", "started_by", "outcome", "untracked", "orphaned", "changed", "linked"]
    list_filter = ["outcome", "registry"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
