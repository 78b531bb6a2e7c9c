from __future__ import annotations

import copy

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.forms import add_service_errors
from inventory import services
from inventory.models import AIModel, Status
from inventory.services import EDITABLE_FIELDS


class ServiceValidatedForm(forms.ModelForm):
    """A ModelForm whose model-level validation is the service's, so the console and the admin
    show the same errors as the CLI, every one of them in a single round."""

    def _post_clean(self) -> None:
        parsed = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        today = timezone.localdate()
        try:
            if self.instance.pk is None:
                services.prepare_new_model(data=parsed, today=today)
            else:
                # A copy: the form's instance keeps the stored values until the service saves.
                original = copy.copy(self.instance)
                changes = {name: parsed[name] for name in self.changed_data if name in parsed}
                services.prepare_changes(model=original, changes=changes, today=today)
        except ValidationError as exc:
            already = set(self.errors)
            add_service_errors(self, ValidationError({f: e for f, e in exc.error_dict.items() if f not in already}))


class AIModelForm(ServiceValidatedForm):
    """Add/edit form of the console. Parses and checks fields; the service decides the rest."""

    class Meta:
        model = AIModel
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "deployment_date": forms.DateInput(attrs={"type": "date"}),
            "use_case": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "api_endpoint": forms.URLInput(),
        }

    def __init__(self, *args, can_assign_owner: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if can_assign_owner:
            self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        else:
            del self.fields["owner"]
        for name in ("model_name", "vendor", "risk_tier", "use_case", "business_owner", "technical_owner", "deployment_date"):
            self.fields[name].widget.attrs["aria-required"] = "true"


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
