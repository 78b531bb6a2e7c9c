"""Console pages of cards: a card (and its downloads), editing, publishing, versions and the diff,
and the lists of AI systems and agents. Every write goes through cards.services, which checks roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cards import diff, formats, permissions, services
from cards.filters import AgentFilterSet, AISystemFilterSet
from cards.forms import AgentForm, ContentForm, SystemForm
from cards.models import MODEL_CARD_SECTIONS, Agent, AISystem, CardVersion, ModelCardContent
from common.actors import Actor
from common.forms import add_service_errors
from common.paging import paginate

SUBJECTS = {"system": (AISystem, SystemForm, "AI systems"), "agent": (Agent, AgentForm, "Agents")}
# The lists' filters: the API's own (cards.filters), so both read a query string alike.
LIST_FILTERS = {"system": AISystemFilterSet, "agent": AgentFilterSet}


def _name(subject) -> str:
    return getattr(subject, "model_name", None) or subject.name


def _download(card, fmt: str, publication, filename: str) -> HttpResponse:
    try:
        content = formats.render(card, fmt, publication)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=formats.MEDIA_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{formats.EXTENSIONS[fmt]}"'
    return response


def card(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    subject = permissions.get_subject_for_user(request.user, kind, pk)
    today = timezone.localdate()
    document = services.build_card(kind, subject, today=today)
    fmt = request.GET.get("format", "")
    if fmt:
        return _download(document, fmt, None, f"{kind}-card-{pk}")
    versions = list(CardVersion.objects.of(kind, pk).only("version", "sha256", "published_by", "published_at"))
    return render(request, "cards/card.html", {
        "kind": kind, "subject": subject, "name": _name(subject), "card": document, "versions": versions,
        "can_write": permissions.can_write_card(request.user, kind, subject),
        "formats": formats.FORMATS if kind == "model" else formats.FORMATS[:3],
    })


def version(request: HttpRequest, kind: str, pk: int, number: int) -> HttpResponse:
    subject = permissions.get_subject_for_user(request.user, kind, pk)
    published = get_object_or_404(CardVersion.objects.of(kind, pk), version=number)
    publication = formats.publication_of(published)
    fmt = request.GET.get("format", "")
    if fmt:
        return _download(published.document, fmt, publication, f"{kind}-card-{pk}-v{number}")
    return render(request, "cards/version.html", {
        "kind": kind, "subject": subject, "name": _name(subject), "card": published.document,
        "publication": publication, "formats": formats.FORMATS if kind == "model" else formats.FORMATS[:3]})


def compare(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    subject = permissions.get_subject_for_user(request.user, kind, pk)
    try:
        numbers = [int(request.GET.get(name, "")) for name in ("from", "to")]
    except ValueError:
        return HttpResponse("Say which two versions to compare: ?from=N&to=M (version numbers).", status=400,
                            content_type="text/plain; charset=utf-8")
    found = {v.version: v for v in CardVersion.objects.of(kind, pk).filter(version__in=numbers)}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise Http404(f"There is no version {missing[0]} of this card.")
    old, new = found[numbers[0]], found[numbers[1]]
    return render(request, "cards/diff.html", {
        "kind": kind, "subject": subject, "name": _name(subject), "old": old, "new": new,
        "changes": diff.diff(old.document, new.document)})


def edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    subject = permissions.get_subject_for_user(request.user, kind, pk)
    if not permissions.can_write_card(request.user, kind, subject):
        raise PermissionDenied("You may not change this card.")
    actor = Actor.for_user(request.user)
    if kind == "model":
        content = ModelCardContent.objects.filter(model=subject).first()
        initial = {key: getattr(content, key) for key, _ in MODEL_CARD_SECTIONS} if content else {}
        form = ContentForm(request.POST or None, initial=initial)
    else:
        form_class = SUBJECTS[kind][1]
        form = form_class(request.POST or None, initial=_subject_initial(subject),
                          can_assign_owner=permissions.can_assign_owner(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            if kind == "model":
                services.update_card_content(model=subject, changes=form.cleaned_data, actor=actor)
            elif kind == "system":
                services.save_system(data=form.service_data(), actor=actor, system=subject)
            else:
                services.save_agent(data=form.service_data(), actor=actor, agent=subject)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved the card of {_name(subject)}.")
            return redirect("cards:card", kind=kind, pk=pk)
    return render(request, "cards/form.html", {"form": form, "kind": kind, "subject": subject,
                                               "title": f"Edit the card of {_name(subject)}"})


def _subject_initial(subject) -> dict:
    initial = {field.name: getattr(subject, field.name) for field in type(subject)._meta.concrete_fields
               if field.name not in ("id", "owner", "updated_at")}
    initial["ai_models"] = "\n".join(model.model_name for model in subject.ai_models.all())
    initial["owner"] = subject.owner_id
    return initial


@require_POST
def publish(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    subject = permissions.get_subject_for_user(request.user, kind, pk)
    published = services.publish_card(kind=kind, subject=subject, actor=Actor.for_user(request.user),
                                      now=timezone.now(), today=timezone.localdate())
    messages.success(request, f"Published version {published.version} of the card of {_name(subject)}.")
    return redirect("cards:card", kind=kind, pk=pk)


def subjects(request: HttpRequest, kind: str) -> HttpResponse:
    permissions.require_view(request.user)
    if kind not in SUBJECTS:
        raise Http404("There are lists of AI systems and of agents.")
    model_class, _, title = SUBJECTS[kind]
    # A filter value the form refuses (an unknown autonomy level) is named on its field and left out.
    filterset = LIST_FILTERS[kind](request.GET, queryset=model_class.objects.for_list())
    paged = paginate(request, filterset.qs, settings.MLTRACK_PAGE_SIZE)
    return render(request, "cards/subject_list.html", {
        "kind": kind, "title": title, "page": paged.page, "items": paged.items, "filter": filterset,
        "query": paged.query.urlencode(), "filtered": any(paged.query.values()),
        "noun": "AI systems" if kind == "system" else "agents",
        "can_add": permissions.can_add_subject(request.user)})


def create(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in SUBJECTS:
        raise Http404("AI systems and agents are added here; models in the inventory.")
    if not permissions.can_add_subject(request.user):
        raise PermissionDenied("Your role cannot register AI systems or agents.")
    form = SUBJECTS[kind][1](request.POST or None, can_assign_owner=permissions.can_assign_owner(request.user))
    if request.method == "POST" and form.is_valid():
        save = services.save_system if kind == "system" else services.save_agent
        try:
            subject = save(data=form.service_data(), actor=Actor.for_user(request.user))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added {subject.name}.")
            return redirect(reverse("cards:card", kwargs={"kind": kind, "pk": subject.pk}))
    return render(request, "cards/form.html", {"form": form, "kind": kind, "subject": None,
                                               "title": f"Add {'an AI system' if kind == 'system' else 'an agent'}"})
