from django.urls import path

from packages import views

app_name = "packages"

urlpatterns = [
    path("packages/", views.index, name="index"),
]
