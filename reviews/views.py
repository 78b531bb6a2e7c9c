"""Console pages of the audit trail: the panel on each model's page, recording, the trail, verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.utils import timezone

from common.actors import Actor
from common.forms import add_service_errors
from common.paging import paginate
from common.panels import Panel
from inventory import caching
from inventory import permissions as inventory_permissions
from inventory.models import AIModel
from reviews import permissions, sample, services
from reviews.drift import drift_against
from reviews.filters import ModelReviewFilterSet
from reviews.forms import ReviewForm
from reviews.models import ChainCheckpoint, ModelReview
from reviews.verify import verify_chain

# The model page shows the latest reviews; the full trail of a model is one click away.
PANEL_REVIEWS = 25


def _initial_reviewer(request: HttpRequest) -> str:
    return request.user.get_full_name() or request.user.get_username()


def _correctable(reviews: list[ModelReview]) -> list[tuple[str, str]]:
    return [(str(r.pk), f"#{r.sequence} · {r.review_date:%Y-%m-%d} · {r.get_outcome_display()} · {r.reviewer}") for r in reviews]


def review_panel(request: HttpRequest, model: AIModel, today: dt.date) -> Panel | None:
    """The model page's review section: drift, the latest records with hashes, and the form."""
    if not permissions.can_view(request.user):
        return None
    reviews = list(model.reviews.select_related("corrects").newest_first()[:PANEL_REVIEWS])
    can_record = permissions.can_record(request.user) and services.accepts_new_reviews(model)
    form = form_key = None
    if can_record:
        reviewer, correctable = _initial_reviewer(request), _correctable(reviews)
        form = ReviewForm(initial={"review_date": today, "reviewer": reviewer}, correctable=correctable)
        # The unbound form's HTML is a function of these alone; the panel caches it under them.
        form_key = hashlib.sha256(json.dumps([today.isoformat(), reviewer, correctable]).encode()).hexdigest()
    return Panel(
        "reviews/includes/model_reviews_panel.html",
        {"model": model, "reviews": reviews, "drift": drift_against(model, reviews[0] if reviews else None), "form": form,
         "form_key": form_key, "more": len(reviews) == PANEL_REVIEWS},
    )


def record_review(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_record(request.user)
    model = inventory_permissions.get_model_for_user(request.user, pk)
    recent = list(model.reviews.newest_first()[:PANEL_REVIEWS])
    form = ReviewForm(
        request.POST or None,
        initial={"review_date": timezone.localdate(), "reviewer": _initial_reviewer(request)},
        correctable=_correctable(recent),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        corrects = ModelReview.objects.filter(pk=data["corrects"]).first() if data["corrects"] else None
        entry = services.ReviewInput(
            review_date=data["review_date"], outcome=data["outcome"], reviewer=data["reviewer"], notes=data["notes"],
            reviewer_user=request.user if data["performed_by_me"] else None,
            corrects=corrects,
        )
        try:
            result = services.record_review(
                model=model, entry=entry, actor=Actor.for_user(request.user),
                today=timezone.localdate(), now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Review of {model.model_name} recorded in the audit trail.")
            return redirect(result.review)
    return render(request, "reviews/review_form.html", {"model": model, "form": form})


def review_detail(request: HttpRequest, pk) -> HttpResponse:
    permissions.require_view(request.user)
    review = get_object_or_404(ModelReview.objects.select_related("model__review_policy", "corrects"), pk=pk)
    return render(
        request,
        "reviews/review_detail.html",
        {"review": review, "corrections": list(review.corrections.order_by("sequence"))},
    )


def trail(request: HttpRequest) -> HttpResponse:
    permissions.require_view(request.user)
    filterset = ModelReviewFilterSet(request.GET, queryset=ModelReview.objects.newest_first())
    paged = paginate(request, filterset.qs, settings.MLTRACK_PAGE_SIZE)
    return render(
        request, "reviews/modelreview_list.html",
        {"filter": filterset, "page": paged.page, "reviews": paged.items, "query": paged.query.urlencode()},
    )


def verify(request: HttpRequest) -> HttpResponse:
    """GET shows the last verification; POST recomputes the whole chain now."""
    permissions.require_view(request.user)
    result = None
    if request.method == "POST":
        result = verify_chain(now=timezone.now(), checkpoint_by=Actor.for_user(request.user))
        if result.ok:
            messages.success(request, result.summary())
        else:
            messages.error(request, result.summary())
    return render(
        request, "reviews/verify.html",
        {"result": result, "checkpoints": list(ChainCheckpoint.objects.all()[:10])},
    )


# The console adds at most this many sample models at a time (the CLI goes further).
SAMPLE_DATA_MAX = 1000


def sample_data_panel(request: HttpRequest, model: None, today: dt.date) -> Panel | None:
    """The inventory list's sample-data box: for administrators, and only while the inventory is empty
    or a demo (sample models only), so that it never sits in the way of a production inventory."""
    if not inventory_permissions.can_generate_sample_data(request.user):
        return None
    # Answered from the change history (a scan of it when the inventory is all sample data), so
    # once per change of the inventory, which the answer cannot outlive.
    if not caching.per_change(request, "only-sample-data", AIModel.objects.only_sample_data):
        return None
    return Panel("reviews/includes/sample_data_panel.html", {"max_count": SAMPLE_DATA_MAX})


@require_POST
def generate_sample_data(request: HttpRequest) -> HttpResponse:
    if not inventory_permissions.can_generate_sample_data(request.user):
        raise PermissionDenied("Only administrators can generate sample data.")
    try:
        count = int(request.POST.get("count", "50"))
    except ValueError:
        count = 0
    if not 1 <= count <= SAMPLE_DATA_MAX:
        messages.error(request, f"Count must be a whole number from 1 to {SAMPLE_DATA_MAX}.")
        return redirect("inventory:list")
    result, reviews = sample.generate(
        count=count, seed=None, actor=Actor.for_user(request.user), today=timezone.localdate(), now=timezone.now()
    )
    messages.success(request, f"Added {result.created} sample models and {reviews} review records.")
    return redirect("inventory:list")
