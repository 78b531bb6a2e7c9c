from django.urls import path

from transfers import views

app_name = "transfers"

urlpatterns = [
    path("models/export/", views.export, name="export"),
    path("models/template/", views.template, name="template"),
    path("imports/", views.upload, name="upload"),
    path("imports/<uuid:pk>/", views.detail, name="detail"),
    path("imports/<uuid:pk>/mapping/", views.mapping, name="mapping"),
    path("imports/<uuid:pk>/confirm/", views.confirm, name="confirm"),
    path("imports/<uuid:pk>/status/", views.status, name="status"),
]
