from __future__ import annotations

from django import forms

from inventory.models import Environment, RiskTier, Status
from reports.data import clean_filters

ANY = [("", "Any")]


class ReportFilterForm(forms.Form):
    """The inventory filters a report takes (the same parameters as the inventory list)."""

    risk_tier = forms.ChoiceField(label="Risk tier", choices=ANY + RiskTier.choices, required=False)
    vendor = forms.CharField(label="Vendor", max_length=100, required=False)
    deployment_environment = forms.ChoiceField(label="Environment", choices=ANY + Environment.choices, required=False)
    status = forms.ChoiceField(label="Status", choices=ANY + Status.choices, required=False)
    business_line = forms.CharField(label="Business line", max_length=100, required=False)
    q = forms.CharField(label="Search", max_length=200, required=False)

    def filters(self) -> dict[str, str]:
        """The valid filters, blanks dropped (call after is_valid())."""
        return clean_filters({name: value for name, value in self.cleaned_data.items() if value})
