from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("models/", views.model_list, name="list"),
    path("models/new/", views.model_create, name="create"),
    path("models/<int:pk>/", views.model_detail, name="detail"),
    path("models/<int:pk>/edit/", views.model_edit, name="edit"),
    path("models/<int:pk>/status/", views.model_status, name="status"),
    path("models/<int:pk>/delete/", views.model_delete, name="delete"),
    path("review-policy/", views.policy_list, name="policy"),
]
