"""The console's API tokens page (namespaced "tokens"); the API itself is api.urls."""

from django.urls import path

from api import console

app_name = "tokens"

urlpatterns = [
    path("account/tokens/", console.tokens, name="list"),
    path("account/tokens/<int:pk>/revoke/", console.revoke, name="revoke"),
]
