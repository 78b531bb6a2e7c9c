from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "MLTrack administration"
admin.site.site_title = "MLTrack"
admin.site.index_title = "Governance console administration"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("reports.urls")),
    path("", include("inventory.urls")),
    path("", include("reviews.urls")),
    path("", include("compliance.urls")),
    path("", include("api.console_urls")),
]
