from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from api.views.docs import not_found as api_not_found

admin.site.site_header = "MLTrack administration"
admin.site.site_title = "MLTrack"
admin.site.index_title = "Governance console administration"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    # Another version, or a typo before the version: answered by the API's JSON 404 too.
    re_path(r"^api/", api_not_found),
    path("", include("reports.urls")),
    path("", include("inventory.urls")),
    path("", include("reviews.urls")),
    path("", include("compliance.urls")),
    path("", include("api.console_urls")),
]
