"""The card endpoints: the card as JSON and CycloneDX, PATCH of its sections (400 naming the field,
nothing changed), publishing, the versions and a published version."""

from __future__ import annotations

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from cards.models import CardVersion, ModelCardContent
from tests.api.conftest import Api, make_token
from tests.factories import make_model

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def api(alice):
    return Api(make_token(alice))


@pytest.fixture
def model(alice):
    return make_model(model_name="api-card", owner=alice)


def test_patch_fills_sections_and_publishing_makes_a_version(api, model):
    response = api.patch(f"/api/v1/models/{model.pk}/card/", {"intended_use": "Fraud scoring"})
    assert response.status_code == 200
    assert "Intended use" not in response.json()["card"]["empty_sections"]

    published = api.post(f"/api/v1/models/{model.pk}/card/versions/", None)
    assert published.status_code == 201
    publication = published.json()["publication"]
    assert publication["version"] == 1 and len(publication["sha256"]) == 64
    listed = api.get(f"/api/v1/models/{model.pk}/card/versions/").json()
    assert [v["version"] for v in listed] == [1]
    version = api.get(f"/api/v1/models/{model.pk}/card/versions/1/").json()
    assert version["card"]["sections"][0]["text"] == "Fraud scoring"


def test_cyclonedx_answers_are_valid_boms(api, model):
    api.post(f"/api/v1/models/{model.pk}/card/versions/", None)
    for url in (f"/api/v1/models/{model.pk}/card/cyclonedx/", f"/api/v1/models/{model.pk}/card/versions/1/cyclonedx/"):
        response = api.get(url)
        assert response.status_code == 200
        assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(response.content.decode()) is None


@pytest.mark.parametrize("body, field", [({"colour": "blue"}, "colour"), ({"limitations": "a\x07b"}, "limitations"),
                                         ({"limitations": "x" * 20001}, "limitations")])
def test_bad_content_is_400_naming_the_field_and_changes_nothing(api, model, body, field):
    response = api.patch(f"/api/v1/models/{model.pk}/card/", body)
    assert response.status_code == 400
    assert field in response.content.decode()
    assert not ModelCardContent.objects.exists()


def test_an_unknown_version_is_404(api, model):
    assert api.get(f"/api/v1/models/{model.pk}/card/versions/9/").status_code == 404
    assert not CardVersion.objects.exists()
