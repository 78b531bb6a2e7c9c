from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from common.login import LoginForm

admin.site.site_header = "MLTrack administration"
admin.site.site_title = "MLTrack"
admin.site.index_title = "Governance console administration"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
    path("", include("inventory.urls")),
    path("", include("reviews.urls")),
    path("", include("compliance.urls")),
    path("", include("notifications.urls")),
]
