from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.trail, name="trail"),
    path("reviews/verify/", views.verify, name="verify"),
    path("reviews/<uuid:pk>/", views.review_detail, name="detail"),
    path("models/<int:pk>/reviews/new/", views.record_review, name="record"),
    path("models/sample-data/", views.generate_sample_data, name="sample-data"),
]
