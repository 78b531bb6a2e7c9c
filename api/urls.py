"""/api/v1/: every endpoint of the REST API (docs/api.md), namespaced "api"."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from api.views import (
    cards,
    compliance,
    dashboard,
    docs,
    models,
    packages,
    policies,
    registries,
    reports,
    reviews,
    subjects,
    tokens,
)
from cards.models import CardKind

app_name = "api"

router = SimpleRouter()
router.register("models", models.ModelViewSet, basename="model")
router.register("reviews", reviews.ReviewViewSet, basename="review")
router.register("review-policies", policies.ReviewPolicyViewSet, basename="review-policy")
router.register("reports/jobs", reports.ReportJobViewSet, basename="report-job")
router.register("packages", packages.PackageViewSet, basename="package")
router.register("tokens", tokens.TokenViewSet, basename="token")
router.register("registries", registries.RegistryViewSet, basename="registry")
router.register("systems", subjects.SystemViewSet, basename="system")
router.register("agents", subjects.AgentViewSet, basename="agent")


def subject_card_paths(kind: str, prefix: str) -> list:
    """A system's or an agent's card: the shapes of a model's, without CycloneDX (model cards only)."""
    return [
        path(f"{prefix}/<int:pk>/card/", cards.SubjectCardView.as_view(kind=kind), name=f"{kind}-card"),
        path(f"{prefix}/<int:pk>/card/versions/", cards.CardVersionsView.as_view(kind=kind),
             name=f"{kind}-card-versions"),
        path(f"{prefix}/<int:pk>/card/versions/<int:number>/", cards.CardVersionView.as_view(kind=kind),
             name=f"{kind}-card-version"),
        path(f"{prefix}/<int:pk>/card/diff/", cards.CardDiffView.as_view(kind=kind), name=f"{kind}-card-diff"),
    ]


urlpatterns = [
    path("audit-trail/verification/", reviews.VerificationView.as_view(), name="verification"),
    path("compliance/evaluation/", compliance.EvaluationView.as_view(), name="compliance-evaluation"),
    path("compliance/check/", compliance.CheckView.as_view(), name="compliance-check"),
    path("compliance/check/sarif/", compliance.CheckSarifView.as_view(), name="compliance-check-sarif"),
    path("compliance/rules/", compliance.RulesView.as_view(), name="compliance-rules"),
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("reports/", reports.ReportRequestView.as_view(), name="report-request"),
    path("me/", tokens.MeView.as_view(), name="me"),
    path("models/<int:pk>/card/", cards.ModelCardView.as_view(), name="model-card"),
    path("models/<int:pk>/card/cyclonedx/", cards.ModelCardBomView.as_view(), name="model-card-cyclonedx"),
    path("models/<int:pk>/card/versions/", cards.CardVersionsView.as_view(), name="model-card-versions"),
    path("models/<int:pk>/card/versions/<int:number>/", cards.CardVersionView.as_view(), name="model-card-version"),
    path("models/<int:pk>/card/versions/<int:number>/cyclonedx/", cards.CardVersionBomView.as_view(),
         name="model-card-version-cyclonedx"),
    path("models/<int:pk>/card/diff/", cards.CardDiffView.as_view(), name="model-card-diff"),
    *subject_card_paths(CardKind.SYSTEM.value, "systems"),
    *subject_card_paths(CardKind.AGENT.value, "agents"),
    path("schema/", docs.schema, name="schema"),
    path("docs/", docs.swagger_ui, name="docs"),
    path("redoc/", docs.redoc, name="redoc"),
    *router.urls,
    # Last: any other path under /api/v1/ is a JSON 404 (not the console's HTML page).
    re_path(r"^.*$", docs.not_found, name="not-found"),
]
