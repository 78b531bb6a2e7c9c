"""/api/v1/dashboard/: the dashboard's figures, from reports.portfolio (one definition of each number)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import filter_parameters
from api.serializers.dashboard import PortfolioSerializer
from api.views.base import Today
from compliance.filters import ComplianceFilterSet
from inventory import permissions
from inventory.filters import AIModelFilterSet
from inventory.models import AIModel
from reports.portfolio import cached_portfolio
from reports.views.dashboard import FILTER_PARAMS


@extend_schema(tags=["dashboard"])
class DashboardView(Today, APIView):
    @extend_schema(
        summary="The dashboard's figures",
        # The dashboard's filters are the compliance page's: tier, vendor, environment, status, business line.
        parameters=filter_parameters(ComplianceFilterSet),
        responses={200: PortfolioSerializer},
        description="Totals, compliance rate, overdue reviews by age, due in 30 days, splits by tier, status, "
        "environment, vendor and business line, short lists and the compliance trend, as on the console's "
        "dashboard and in `mltrack dashboard --json`.",
    )
    def get(self, request):
        permissions.require_view(request.user)
        data = {name: request.query_params[name] for name in FILTER_PARAMS if request.query_params.get(name)}
        filterset = AIModelFilterSet(data, queryset=AIModel.objects.all(), today=self.today())
        if not filterset.is_valid():
            raise ValidationError({name: list(messages) for name, messages in filterset.errors.items()})
        filters = {name: str(value) for name, value in filterset.form.cleaned_data.items()
                   if name in FILTER_PARAMS and value}
        portfolio = cached_portfolio(filterset.qs, today=self.today(), filters=filters)
        return Response(portfolio.as_dict())
