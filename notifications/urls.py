from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.subscriptions_page, name="subscriptions"),
    path("notifications/subscriptions/<int:pk>/remove/", views.remove_subscription, name="subscription-remove"),
    path("notifications/deliveries/", views.deliveries, name="deliveries"),
    path("notifications/deliveries/<int:pk>/send-again/", views.send_again, name="send-again"),
    path("notifications/reports/", views.schedules, name="schedules"),
    path("notifications/reports/<int:pk>/", views.edit_schedule, name="schedule"),
    path("notifications/reports/<int:pk>/delete/", views.delete_schedule, name="schedule-delete"),
    path("notifications/alarms/", views.alarms, name="alarms"),
    path("notifications/alarms/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
