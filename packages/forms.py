from __future__ import annotations

from django import forms

from packages.content import Scope
from packages.frameworks import FRAMEWORKS
from packages.services import BadScope, scope_of

SCOPES = [("all", "The whole inventory"), ("risk_tier", "A risk tier"), ("business_line", "A business line"),
          ("model", "One model")]


class PackageForm(forms.Form):
    """What a package covers: a framework, and a scope with its value (a tier, a business line, a name)."""

    framework = forms.ChoiceField(label="Framework", choices=[(f.id, f.title) for f in FRAMEWORKS.values()])
    scope = forms.ChoiceField(label="Scope", choices=SCOPES, initial="all")
    value = forms.CharField(label="Tier, business line or model name", max_length=200, required=False,
                            help_text="Leave empty for the whole inventory.")

    def clean(self) -> dict:
        cleaned = super().clean()
        if "scope" in cleaned:
            try:
                cleaned["selected"] = scope_of(cleaned["scope"], cleaned.get("value", ""))
            except BadScope as exc:
                self.add_error("value", str(exc))
        return cleaned

    @property
    def selected(self) -> Scope:
        return self.cleaned_data["selected"]
