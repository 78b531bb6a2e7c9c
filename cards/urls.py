from django.urls import path

from cards import views

app_name = "cards"

urlpatterns = [
    path("cards/<str:kind>/", views.subjects, name="list"),
    path("cards/<str:kind>/new/", views.create, name="create"),
    path("cards/<str:kind>/<int:pk>/", views.card, name="card"),
    path("cards/<str:kind>/<int:pk>/edit/", views.edit, name="edit"),
    path("cards/<str:kind>/<int:pk>/publish/", views.publish, name="publish"),
    path("cards/<str:kind>/<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("cards/<str:kind>/<int:pk>/diff/", views.compare, name="diff"),
]
