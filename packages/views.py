"""The exam-package page: the packages made so far (anyone who may read the inventory may download
them: examiners first), and for administrators and model risk officers, a form to build one in the
background. The service checks the role again (packages.services.request_package)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from common.actors import Actor
from inventory import permissions
from packages.forms import PackageForm
from packages.frameworks import FRAMEWORKS
from packages.services import PACKAGE, request_package, require_builder
from reports.models import ReportJob

RECENT = 25


def index(request: HttpRequest) -> HttpResponse:
    """Query budget: session, user, permissions (2), the recent packages = 5."""
    permissions.require_view(request.user)
    may_build = permissions.can_govern(request.user)
    form = PackageForm(request.POST or None)
    if request.method == "POST":
        actor = Actor.for_user(request.user)
        require_builder(actor)  # 403 before the form says anything; request_package checks again
        if form.is_valid():
            job = request_package(actor, form.cleaned_data["framework"], form.selected, now=timezone.now(),
                                  today=timezone.localdate())
            return redirect(job)
    packages = list(ReportJob.objects.filter(kind=PACKAGE).order_by("-requested_at")[:RECENT])
    for job in packages:
        framework = FRAMEWORKS.get(job.filters.get("framework", ""))
        job.framework_title = framework.title if framework else job.filters.get("framework", "")
    return render(request, "packages/index.html", {"form": form, "may_build": may_build, "packages": packages},
                  status=400 if request.method == "POST" else 200)
