"""Console forms for notifications. They collect what people type; the services decide whether it
holds (notifications.subscriptions, notifications.schedule) and the views show their errors."""

from __future__ import annotations

from django import forms

from inventory.models import RiskTier
from notifications.models import REPORT_FORMATS, REPORT_KINDS, DigestSubscription, Frequency, ScheduledReport
from reports.forms import ReportFilterForm

PICK = [("", "—")]


class SubscriptionForm(forms.Form):
    scope = forms.ChoiceField(label="Covering", choices=DigestSubscription.Scope.choices)
    risk_tier = forms.ChoiceField(label="Risk tier", choices=PICK + RiskTier.choices, required=False,
                                  help_text="For a risk tier's digest.")
    business_line = forms.CharField(label="Business line", max_length=200, required=False,
                                    help_text="For a business line's digest, e.g. Retail Banking (any case).")
    frequency = forms.ChoiceField(label="How often", choices=Frequency.choices)

    def value(self) -> str:
        scope = self.cleaned_data["scope"]
        if scope == DigestSubscription.Scope.RISK_TIER:
            return self.cleaned_data["risk_tier"]
        if scope == DigestSubscription.Scope.BUSINESS_LINE:
            return self.cleaned_data["business_line"]
        return ""


class ScheduleForm(ReportFilterForm):
    """A scheduled report: what, for whom, how often, and the report's inventory filters."""

    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Report", choices=[(kind, kind.title()) for kind in REPORT_KINDS])
    format = forms.ChoiceField(label="Format", choices=[(fmt, fmt.upper()) for fmt in REPORT_FORMATS])
    every = forms.ChoiceField(label="How often", choices=ScheduledReport.Every.choices)
    recipients = forms.CharField(label="Recipients", widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text="Email addresses, one per line or separated by commas (at most 50).")
    enabled = forms.BooleanField(label="Enabled", required=False, initial=True)

    field_order = ["name", "kind", "format", "every", "recipients", "enabled"]

    @classmethod
    def for_schedule(cls, schedule: ScheduledReport) -> ScheduleForm:
        return cls(initial={
            "name": schedule.name, "kind": schedule.kind, "format": schedule.format, "every": schedule.every,
            "recipients": schedule.recipients, "enabled": schedule.enabled, **schedule.filters,
        })

    def data_for_service(self) -> dict[str, object]:
        data = {key: self.cleaned_data[key] for key in ("name", "kind", "format", "every", "recipients", "enabled")}
        return {**data, "filters": self.filters()}


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000,
                           help_text="What was found and done (kept with the alarm).")
