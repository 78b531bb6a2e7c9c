from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path

from api.views.docs import not_found as api_not_found
from common.login import LoginForm


@login_not_required
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # The static file's URL is looked up per request: in production it is the hashed name from the
    # manifest that collectstatic writes, which need not exist when the URLs are imported.
    return HttpResponsePermanentRedirect(static("img/mltrack-mark.svg"))


admin.site.site_header = "MLTrack administration"
admin.site.site_title = "MLTrack"
admin.site.index_title = "Governance console administration"

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's): the console's mark.
    path("favicon.ico", favicon),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    # Another version, or a typo before the version: answered by the API's JSON 404 too.
    re_path(r"^api/", api_not_found),
    path("", include("reports.urls")),
    path("", include("inventory.urls")),
    path("", include("reviews.urls")),
    path("", include("compliance.urls")),
    path("", include("cards.urls")),
    path("", include("packages.urls")),
    path("", include("api.console_urls")),
    path("", include("transfers.urls")),
    path("", include("notifications.urls")),
    path("", include("registries.urls")),
]
