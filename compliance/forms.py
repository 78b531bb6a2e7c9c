from __future__ import annotations

from django import forms


class ComplianceListingForm(forms.Form):
    """What the compliance page lists of an evaluation: failing models (default) or all, and one rule."""

    FAILING = "failing"
    ALL = "all"

    result = forms.ChoiceField(
        choices=[(FAILING, "Failing models"), (ALL, "All evaluated")], required=False, label="Show"
    )
    rule = forms.ChoiceField(required=False, label="Rule")

    def __init__(self, *args, rules: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "Any rule"), *rules]

    def listing(self) -> tuple[bool, str]:
        """(show passing models too, rule id or ""). A value that does not validate is ignored (and
        shown as a field error), as the inventory filters do; the other field still applies."""
        self.is_valid()
        data = self.cleaned_data
        return data.get("result") == self.ALL, data.get("rule", "")
