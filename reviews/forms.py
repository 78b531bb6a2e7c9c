from __future__ import annotations

from django import forms

from common.forms import ISODateField
from reviews.models import Outcome


class ReviewForm(forms.Form):
    """Parses a review; reviews.services decides whether it may be recorded."""

    review_date = ISODateField(
        label="Review date", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the review took place: not in the future, not before deployment.",
    )
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    reviewer = forms.CharField(
        max_length=200, help_text="Who performed the review, e.g. 'Jane Smith (Model Risk)'."
    )
    performed_by_me = forms.BooleanField(
        required=False, initial=True, label="I performed this review",
        help_text="Links the record to your account as well as the reviewer's name.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000)
    corrects = forms.ChoiceField(
        required=False, label="Corrects",
        help_text="If this record corrects an earlier one of this model, choose it. Records are never edited.",
    )

    def __init__(self, *args, correctable: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["corrects"].choices = [("", "Nothing: a new review"), *(correctable or [])]
