"""Form helpers shared by every app's console pages: service errors on a form, strict dates, and the
key under which a filter form's rendering is cached."""

from __future__ import annotations

import hashlib
import json

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


def rendering_key(form: forms.BaseForm, *extra: object) -> str:
    """What a bound form's HTML depends on: the submitted value of each of its fields (and so its
    errors), plus ``extra`` (widget attributes the view sets). Its fields and choices are fixed in
    code, so two requests with the same key render the same form; pages cache the rendering under it
    (``{% cache %}``), as a form with many options costs more to render than the rest of the page."""
    values = [[name, form.data.getlist(name) if hasattr(form.data, "getlist") else form.data.get(name)]
              for name in form.fields]
    return hashlib.sha256(json.dumps([values, list(extra)], default=str).encode()).hexdigest()
