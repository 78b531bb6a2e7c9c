"""The console's API tokens page: make a token (shown once), see your tokens, revoke one.
Administrators also see and revoke every account's tokens here.

Fetch through the services, call a service, render: who may do what is decided in api.services.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from api import permissions, services
from api.models import ApiToken
from common.actors import Actor
from common.forms import add_service_errors

NO_ROLE_MESSAGE = "You do not have a role, so an API token of yours could do nothing."
# Rows of the administrators' list of every account's tokens.
ALL_TOKENS_SHOWN = 200


class TokenForm(forms.Form):
    name = forms.CharField(max_length=services.NAME_MAX, help_text="What will use it, e.g. 'fraud-detector CI gate'.")
    read_only = forms.BooleanField(required=False, label="Read only",
                                   help_text="Only reads (GET): enough for a CI compliance gate.")
    expires_in_days = forms.IntegerField(
        required=False, min_value=1, max_value=services.MAX_EXPIRY_DAYS, label="Expires in (days)",
        help_text="Leave empty for no expiry.",
    )


# Where a new token waits, in the session, for the page that shows it once.
NEW_TOKEN_KEY = "api:new-token"


def tokens(request: HttpRequest) -> HttpResponse:
    """GET: your tokens and the form (and a token just made, shown this once); POST: make a token,
    then redirect, so that reloading the page never makes another."""
    if not permissions.can_have_tokens(request.user):
        raise PermissionDenied(NO_ROLE_MESSAGE)
    actor = Actor.for_user(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.create_token(actor=actor, name=data["name"], read_only=data["read_only"],
                                        expires_in_days=data["expires_in_days"], now=timezone.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Kept in the session only until the page below is shown, then gone from it.
            request.session[NEW_TOKEN_KEY] = {"id": new.token.pk, "secret": new.secret}
            return redirect("tokens:list")
    shown = request.session.pop(NEW_TOKEN_KEY, None)
    new = None
    if shown is not None:
        made = ApiToken.objects.filter(pk=shown["id"], user=request.user).first()
        new = services.NewToken(made, shown["secret"]) if made is not None else None
    everyone = permissions.can_manage_all_tokens(request.user)
    now = timezone.now()
    own = list(services.visible_tokens(actor=actor))
    others = list(services.visible_tokens(actor=actor, everyone=True).exclude(user=request.user)[:ALL_TOKENS_SHOWN]) \
        if everyone else []
    return render(request, "api/token_list.html", {
        "form": form, "new": new, "now": now, "everyone": everyone,
        "own": [(token, token.state(now=now)) for token in own],
        "others": [(token, token.state(now=now)) for token in others],
    })


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Others' tokens are not even found for those who may not revoke them.
    tokens = ApiToken.objects.all() if permissions.can_manage_all_tokens(request.user) else request.user.api_tokens
    token = get_object_or_404(tokens, pk=pk)
    try:
        services.revoke_token(token=token, actor=Actor.for_user(request.user), now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Revoked the token {token.name!r} ({token.prefix}…): it is refused from now on.")
    return redirect("tokens:list")
