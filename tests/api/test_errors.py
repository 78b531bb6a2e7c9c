"""One error body for every failure, with the status that says what went wrong; never a 500 for bad
input, and for a fault of the server's a JSON body without its traceback."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, make_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def error_of(response) -> dict:
    body = response.json()
    assert list(body) == ["error"]
    assert {"code", "message", "suggestions"} <= set(body["error"])
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def test_not_signed_in_is_401_saying_how_to_sign_in():
    response = Api().get("/api/v1/models/")

    error = error_of(response)
    assert response.status_code == 401 and error["code"] == "not_authenticated"
    assert error["message"].startswith("Sign in: send a token (Authorization: Bearer <token>)")


def test_a_field_error_is_400_with_the_fields(bob):
    error = error_of(Api(make_token(bob)).post("/api/v1/models/", {"risk_tier": "extreme"}))

    assert error["code"] == "invalid"
    assert {"model_name", "risk_tier", "deployment_date"} <= set(error["fields"])
    assert '"extreme" is not a valid choice.' in error["fields"]["risk_tier"][0]


def test_a_whole_request_error_is_400_under_non_field_errors(erin):
    error = error_of(Api(make_token(erin)).get("/api/v1/compliance/check/"))

    assert error["fields"] == {"non_field_errors": ["Give exactly one of model, risk_tier or all=true."]}
    assert error["message"] == "Invalid input: Give exactly one of model, risk_tier or all=true."


def test_a_nested_field_error_names_its_path(erin):
    error = error_of(Api(make_token(erin)).post("/api/v1/reports/", {"kind": "risk", "format": "csv",
                                                                     "filters": {"status": "gone"}}))

    assert error["fields"] == {"filters": {"status": ['"gone" is not a valid choice.']}}
    assert error["message"] == 'Invalid input: filters.status: "gone" is not a valid choice.'


def test_a_refused_role_is_403_naming_who_and_what(erin):
    response = Api(make_token(erin)).post("/api/v1/reviews/", {})

    assert response.status_code == 403 and error_of(response)["code"] == "permission_denied"


def test_not_found_is_404(erin):
    response = Api(make_token(erin)).get("/api/v1/models/424242/")

    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_a_method_not_offered_is_405_with_allow(erin):
    response = Api(make_token(erin)).delete("/api/v1/compliance/rules/")

    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_a_media_type_not_offered_is_406_in_json(erin):
    response = Api(make_token(erin)).get("/api/v1/models/", HTTP_ACCEPT="text/html")

    assert response.status_code == 406 and error_of(response)["code"] == "not_acceptable"


def test_a_body_that_is_not_json_is_415(bob):
    response = Api(make_token(bob)).client.post("/api/v1/models/", "model_name=x",
                                                 content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415 and error_of(response)["code"] == "unsupported_media_type"


def test_a_fault_of_the_server_is_a_json_500_without_a_traceback(erin, monkeypatch, caplog):
    from api.views import compliance

    class Unreadable:
        def describe(self):
            raise RuntimeError("the ruleset file is unreadable")

    monkeypatch.setattr(compliance, "RULESET", Unreadable())

    response = Api(make_token(erin)).get("/api/v1/compliance/rules/")

    error = error_of(response)
    assert response.status_code == 500 and error["code"] == "server_error"
    assert "unreadable" not in error["message"] and "Traceback" not in response.content.decode()
    assert "the ruleset file is unreadable" in caplog.text  # in the server's log, not the answer


def test_an_unknown_path_under_the_api_is_a_json_404(erin):
    api = Api(make_token(erin))

    for path in ("/api/v1/modles/", "/api/v1/models", "/api/v1/reports/jobs/not-a-job/", "/api/v2/"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert "/api/v1/docs/" in error_of(response)["message"]


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/models/?page=abc", None),
        ("get", "/api/v1/models/?page=0", None),
        ("get", "/api/v1/models/?page_size=-5", None),
        ("get", "/api/v1/models/?page_size=99999999999999999999", None),
        ("get", "/api/v1/models/?q=%00", None),
        ("get", "/api/v1/models/?vendor=" + "x" * 5000, None),
        ("get", "/api/v1/models/99999999999999999999999999/", None),
        ("get", "/api/v1/models/99999999999999999999999999/history/", None),
        ("get", "/api/v1/reviews/?date_from=2026-02-30", None),
        ("get", "/api/v1/reviews/?date_to=99999-01-01", None),
        ("get", "/api/v1/compliance/check/?model=%00", None),
        ("get", "/api/v1/compliance/check/?model=" + "x" * 300, None),
        ("get", "/api/v1/compliance/evaluation/?page=999", None),
        ("get", "/api/v1/reports/jobs/00000000-0000-0000-0000-00000000000g/", None),
        ("get", "/api/v1/tokens/99999999999999999999999/", None),
        ("delete", "/api/v1/tokens/99999999999999999999999/", None),
        ("post", "/api/v1/models/", {"model_name": "x" * 10_000, "deployment_date": "0001-01-01"}),
        ("post", "/api/v1/models/", {"deployment_date": "9999-12-31", "risk_tier": None}),
        ("post", "/api/v1/reviews/", {"model": 99999999999999999999, "review_date": "2026-11-01", "outcome": "passed"}),
        ("post", "/api/v1/reviews/", {"model": "1; DROP TABLE", "review_date": [], "outcome": {}}),
        ("post", "/api/v1/review-policies/", {"critical_days": 10**30}),
        ("post", "/api/v1/models/1/status/", {"status": ["deprecated"]}),
        ("patch", "/api/v1/models/1/", {"owner": 5}),
        ("post", "/api/v1/tokens/", {"name": "x", "expires_in_days": 10**40}),
    ],
)
def test_bad_input_is_never_a_server_error(carol, method, url, body):
    from tests.factories import make_model

    make_model()
    session = Api()
    session.client.force_login(carol)  # a session may also make tokens

    response = getattr(session, method)(url, body)

    # Refused with a message, or (a page size out of range, a long search) answered as best it can.
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        error_of(response)


def test_a_console_session_writes_only_with_its_csrf_token(bob):
    from rest_framework.test import APIClient

    from tests.factories import model_data

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(bob)
    body = {**model_data(model_name="with-csrf"), "deployment_date": "2026-06-01"}

    refused = client.post("/api/v1/models/", body, format="json")
    client.get("/models/")  # a console page sets the CSRF cookie, as the browser gets it
    accepted = client.post("/api/v1/models/", body, format="json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)

    assert refused.status_code == 403 and "CSRF" in error_of(refused)["message"]
    assert accepted.status_code == 201
