"""The API's settings come from the environment too; a bad value stops start-up naming it."""

from __future__ import annotations

import pytest

from tests.test_settings import manage


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MLTRACK_API_PAGE_SIZE": "0"}, "MLTRACK_API_PAGE_SIZE must be between 1 and 1,000, not 0"),
        ({"MLTRACK_API_PAGE_SIZE": "600"}, "MLTRACK_API_PAGE_SIZE must be at least 1 and at most MLTRACK_API_MAX_PAGE_SIZE"),
        ({"MLTRACK_API_MAX_PAGE_SIZE": "many"}, "MLTRACK_API_MAX_PAGE_SIZE must be a whole number"),
        ({"MLTRACK_API_THROTTLE_RATE": "600"}, "MLTRACK_API_THROTTLE_RATE must be a number of requests per second"),
        ({"MLTRACK_API_THROTTLE_RATE": "0/minute"}, "not '0/minute'"),
        ({"MLTRACK_API_THROTTLE_RATE": "10/fortnight"}, "e.g. 600/minute"),
    ],
)
def test_a_bad_api_setting_stops_start_up_naming_it(tmp_path, env, message):
    result = manage("check", env=env, tmp_path=tmp_path)

    assert result.returncode != 0
    assert message in result.stderr


def test_the_api_settings_are_read_from_the_environment(tmp_path):
    code = ("from django.conf import settings; print(settings.MLTRACK_API_PAGE_SIZE, settings.MLTRACK_API_MAX_PAGE_SIZE, "
            "settings.MLTRACK_API_THROTTLE_RATE)")
    result = manage("shell", "-c", code, tmp_path=tmp_path, env={
        "MLTRACK_API_PAGE_SIZE": "20", "MLTRACK_API_MAX_PAGE_SIZE": "100", "MLTRACK_API_THROTTLE_RATE": " 30/second "})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["20", "100", "30/second"]


@pytest.mark.django_db
def test_the_page_size_settings_apply_to_every_listing(settings, erin):
    from tests.api.conftest import Api, make_token
    from tests.factories import make_model

    settings.MLTRACK_API_PAGE_SIZE, settings.MLTRACK_API_MAX_PAGE_SIZE = 2, 3
    for _ in range(5):
        make_model()
    api = Api(make_token(erin))

    assert len(api.get("/api/v1/models/").json()["results"]) == 2
    assert len(api.get("/api/v1/models/", {"page_size": 50}).json()["results"]) == 3
