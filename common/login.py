"""The login form: Django's, with the username's length limit enforced.

Django's AuthenticationForm sets the limit on the field but adds no validator for it, so an
over-long username reached authentication, and the lockout table (django-axes, 255 characters)
answered with a database error on PostgreSQL. Here it is the usual "wrong username or password"
answer, which says nothing about which accounts exist.
"""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if len(username) > self.fields["username"].max_length:
            raise self.get_invalid_login_error()
        return username
