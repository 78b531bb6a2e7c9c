from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.actors import Actor
from common.forms import ISODateField, add_service_errors
from inventory import permissions, services
from inventory.models import AIModel, Status
from inventory.services import EDITABLE_FIELDS


class ServiceValidatedForm(forms.ModelForm):
    """A ModelForm whose model-level validation is the service's, so the console and the admin
    show the same errors as the CLI, every one of them in a single round.

    ``actor`` is who fills the form in (the services' rules depend on their role): given to the
    constructor, or set on the class (the admin builds a subclass per request)."""

    actor: Actor | None = None

    def __init__(self, *args, actor: Actor | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if actor is not None:
            self.actor = actor

    def _post_clean(self) -> None:
        parsed = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        today = timezone.localdate()
        try:
            if self.instance.pk is None:
                services.prepare_new_model(data=parsed, actor=self.actor, today=today)
            else:
                # Checked on a copy: the form's instance keeps the stored values until the service saves.
                changes = {name: parsed[name] for name in self.changed_data if name in parsed}
                services.check_changes(model=self.instance, changes=changes, actor=self.actor, today=today)
        except ValidationError as exc:
            already = set(self.errors)
            add_service_errors(self, ValidationError({f: e for f, e in exc.error_dict.items() if f not in already}))


class AIModelForm(ServiceValidatedForm):
    """Add/edit form of the console. Parses and checks fields; the service decides the rest."""

    class Meta:
        model = AIModel
        fields = list(EDITABLE_FIELDS)
        field_classes = {"deployment_date": ISODateField}
        widgets = {
            "deployment_date": forms.DateInput(attrs={"type": "date"}),
            "use_case": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "api_endpoint": forms.URLInput(),
        }

    def __init__(self, *args, actor: Actor, **kwargs) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        # The services decide who may set what; the form offers only the choices the actor has: a
        # model owner sets the risk tier of a model they register, never of one that exists.
        if self.instance.pk is not None and not (actor.user is None or permissions.can_govern(actor.user)):
            self.fields["risk_tier"].disabled = True
            self.fields["risk_tier"].help_text = "Model risk officers and administrators change a model's risk tier."
        if actor.user is None or permissions.can_assign_owner(actor.user):
            self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        else:
            del self.fields["owner"]
        for name in ("model_name", "vendor", "risk_tier", "use_case", "business_owner", "technical_owner", "deployment_date"):
            self.fields[name].widget.attrs["aria-required"] = "true"


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
