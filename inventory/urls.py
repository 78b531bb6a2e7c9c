from django.urls import path

from inventory import policy_views, views

app_name = "inventory"

urlpatterns = [
    path("models/", views.model_list, name="list"),
    path("models/new/", views.model_create, name="create"),
    path("models/<int:pk>/", views.model_detail, name="detail"),
    path("models/<int:pk>/edit/", views.model_edit, name="edit"),
    path("models/<int:pk>/status/", views.model_status, name="status"),
    path("models/<int:pk>/decommission/", views.model_decommission, name="decommission"),
    path("models/<int:pk>/delete/", views.model_delete, name="delete"),
    path("review-policy/", policy_views.policy_list, name="policy"),
    path("review-policy/publish/", policy_views.policy_publish, name="policy-publish"),
    path("review-policy/<int:pk>/withdraw/", policy_views.policy_withdraw, name="policy-withdraw"),
]
