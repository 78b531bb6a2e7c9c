"""The dashboard page (in progress)."""

from django.http import HttpResponse


def dashboard(request):
    return HttpResponse("Dashboard")
