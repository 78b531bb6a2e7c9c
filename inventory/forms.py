from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.contrib.auth import get_user_model

from inventory.models import AIModel, Status
from inventory.services import EDITABLE_FIELDS


class AIModelForm(forms.ModelForm):
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

    def _post_clean(self) -> None:
        """Skip ModelForm's model validation: the service validates the whole model (it needs
        today's date and the old values); the form only parses and checks each field."""


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside each field the form has, and at the
    top (naming the field) for the rest."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
        else:
            label = field.replace("_", " ") if field != NON_FIELD_ERRORS else ""
            for error in errors:
                for message in error.messages:
                    form.add_error(None, f"{label}: {message}" if label else message)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
