from django.urls import path

from compliance import views

app_name = "compliance"

urlpatterns = [
    path("compliance/", views.compliance, name="evaluation"),
]
