from django.urls import path

from reports.views import dashboard, reports

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("reports/", reports.index, name="index"),
]
