"""Console forms for cards. They only collect text: every rule is the services' (cards/services.py)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from cards.models import MODEL_CARD_SECTIONS, AutonomyLevel

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def _text(label: str, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=TEXTAREA, strip=False)


class ContentForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, title in MODEL_CARD_SECTIONS:
            self.fields[key] = _text(title)


class SubjectForm(forms.Form):
    name = forms.CharField(max_length=200)
    purpose = _text("Purpose")
    ai_models = forms.CharField(label="Models", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="The inventory's model names, one a line.")
    owner = forms.ModelChoiceField(label="Owner account", required=False, queryset=None,
                                   help_text="The account that may edit it besides model risk officers.")

    def __init__(self, *args, can_assign_owner: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        if not can_assign_owner:
            del self.fields["owner"]

    def service_data(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items()}
        data["ai_models"] = [line.strip() for line in data.get("ai_models", "").splitlines() if line.strip()]
        return data


class SystemForm(SubjectForm):
    components = _text("Components and data pipelines")
    deployment_context = _text("Deployment context")
    safeguards = _text("Safeguards")


class AgentForm(SubjectForm):
    autonomy_level = forms.ChoiceField(choices=AutonomyLevel.choices)
    tools_and_permissions = _text("Tools and permissions")
    decision_boundaries = _text("Decision boundaries")
    human_oversight = _text("Human oversight and escalation")
    stop_procedure = _text("Stop procedure: who can stop it, and how")
