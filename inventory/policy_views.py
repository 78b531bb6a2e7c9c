"""The review policy pages: every version, publishing a new one (with what it would change, shown
before it is confirmed) and withdrawing one that has not taken effect. Administrators publish and
withdraw; the services check the role again (inventory.scheduling)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.actors import Actor
from common.forms import ISODateField, add_service_errors
from inventory import permissions, scheduling
from inventory.models import ReviewPolicy, RiskTier
from inventory.policy_impact import policy_impact

PREVIEW, PUBLISH = "preview", "publish"


class PolicyForm(forms.Form):
    effective_date = ISODateField(label="Effective date", help_text="YYYY-MM-DD, today or later.")
    critical_days = forms.IntegerField(label="Critical (days)")
    high_days = forms.IntegerField(label="High (days)")
    medium_days = forms.IntegerField(label="Medium (days)")
    low_days = forms.IntegerField(label="Low (days)")
    approval_reference = forms.CharField(label="Approval reference", max_length=200,
                                         help_text="Where it was approved, e.g. 'Model Risk Committee, 2026-11-02'.")
    rationale = forms.CharField(label="Rationale", widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="Why the cycles change.")
    correction_reason = forms.CharField(
        label="Correction reason", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only for a version dated before today: why the record is corrected.")

    def cycles(self) -> dict[str, int]:
        return {tier: self.cleaned_data[f"{tier}_days"] for tier in RiskTier.values}

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"cycles": self.cycles(), "effective_date": data["effective_date"],
                "approval_reference": data["approval_reference"], "rationale": data["rationale"],
                "correction_reason": data.get("correction_reason", "")}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))


def policy_list(request: HttpRequest) -> HttpResponse:
    permissions.require_view(request.user)
    today = timezone.localdate()
    return render(request, "inventory/reviewpolicy_list.html", {
        "policies": list(ReviewPolicy.objects.all()),
        "in_force": ReviewPolicy.objects.in_force(on=today),
        "today": today,
        "can_manage": permissions.can_manage_policy(request.user),
    })


def policy_publish(request: HttpRequest) -> HttpResponse:
    """GET: the form, prefilled with the version in force. POST "preview": the checks and what would
    change, by tier, with a confirm button; POST "publish": publish it."""
    if not permissions.can_manage_policy(request.user):
        raise PermissionDenied("Only administrators publish review policy versions.")
    today = timezone.localdate()
    in_force = ReviewPolicy.objects.in_force(on=today)
    if request.method != "POST":
        initial = {f"{tier}_days": in_force.cycle_days(tier) for tier in RiskTier.values}
        initial["effective_date"] = today.isoformat()
        return render(request, "inventory/reviewpolicy_publish.html",
                      {"form": PolicyForm(initial=initial), "in_force": in_force})
    form = PolicyForm(request.POST)
    actor = Actor.for_user(request.user)
    impact = None
    if form.is_valid():
        try:
            if request.POST.get("action") == PUBLISH:
                policy = scheduling.publish_review_policy(**form.service_arguments(), actor=actor, today=today)
                messages.success(request, f"Review policy version {policy.version} is published, effective "
                                          f"{policy.effective_date.isoformat()}.")
                return redirect("inventory:policy")
            scheduling.prepare_review_policy(**form.service_arguments(), actor=actor, today=today)
            impact = policy_impact(cycles=form.cycles(), effective_date=form.cleaned_data["effective_date"],
                                   today=today)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "inventory/reviewpolicy_publish.html",
                  {"form": form, "in_force": in_force, "impact": impact if form.is_valid() else None},
                  status=200 if form.is_valid() else 400)


@require_POST
def policy_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_manage_policy(request.user):
        raise PermissionDenied("Only administrators withdraw review policy versions.")
    policy = get_object_or_404(ReviewPolicy, pk=pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            scheduling.withdraw_review_policy(policy=policy, reason=form.cleaned_data["reason"],
                                              actor=Actor.for_user(request.user), now=timezone.now(),
                                              today=timezone.localdate())
            messages.success(request, f"Review policy version {policy.version} is withdrawn; it will not take effect.")
            return redirect("inventory:policy")
        except ValidationError as exc:
            add_service_errors(form, exc)
    for error in form.errors.get("reason", []) + form.non_field_errors():
        messages.error(request, f"Version {policy.version} was not withdrawn: {error}")
    return redirect("inventory:policy")
