from django.urls import path

from registries import views

app_name = "registries"

urlpatterns = [
    path("registries/", views.registry_list, name="list"),
    path("registries/<int:pk>/", views.registry_detail, name="detail"),
    path("registries/<int:pk>/reconcile/", views.reconcile, name="reconcile"),
    path("registries/findings/<int:pk>/adopt/", views.adopt, name="adopt"),
    path("models/<int:pk>/registry-link/", views.link, name="link"),
]
