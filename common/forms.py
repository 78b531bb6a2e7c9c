"""Form helpers shared by every app's console pages: service errors on a form, and strict dates."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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


class ISODateField(forms.DateField):
    """A date typed as YYYY-MM-DD only, within common.dates' range, with a message that names the
    field (the same rules and words as the services and the CLI)."""

    def to_python(self, value):
        from common.dates import parse_date

        if value in self.empty_values:
            return None
        return parse_date(value, label=str(self.label or "Date"))
