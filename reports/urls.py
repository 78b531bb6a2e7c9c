from django.urls import path

from reports.views import dashboard, reports

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("reports/", reports.index, name="index"),
    path("reports/jobs/<uuid:pk>/", reports.job, name="job"),
    path("reports/jobs/<uuid:pk>/status/", reports.job_status, name="job-status"),
    path("reports/jobs/<uuid:pk>/file/", reports.job_file, name="job-file"),
    path("reports/<str:kind>/", reports.report, name="report"),
    path("reports/<str:kind>/download/<str:fmt>/", reports.download, name="download"),
    path("reports/<str:kind>/queue/<str:fmt>/", reports.queue, name="queue"),
]
