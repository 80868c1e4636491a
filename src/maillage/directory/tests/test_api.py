import json

import pytest

from maillage.directory.actions import people as people_actions
from maillage.directory.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_for(db):
    def make(user):
        return {"HTTP_AUTHORIZATION": f"Bearer {people_actions.create_api_token(user, 'test')[1]}"}

    return make


def _post(client, url, payload, **extra):
    return client.post(url, json.dumps(payload), content_type="application/json", **extra)


def test_it_creates_a_pending_organisation_with_a_token(client, make_user, token_for):
    user = make_user("ana")
    response = _post(
        client,
        "/api/v1/organisations",
        {
            "name": "Atelier API",
            "kind": "collective_workshop",
            "naf_code": "25.62A",
            "fields": ["waste_reuse", "local_manufacturing"],
            "sites": [{"commune": "Aubagne", "address": "1 rue des Forges"}],
        },
        **token_for(user),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["naf_code"] == "25.62A" and body["naf_version"] == "NAFRev2"
    assert body["fields"] == ["local_manufacturing", "waste_reuse"]
    assert body["sites"][0]["commune_insee"] == "13005"
    assert body["sites"][0]["department"] == "13"
    organisation = Organisation.objects.get(slug=body["slug"])
    assert organisation.memberships.get().user == user


def test_it_answers_422_naming_each_bad_field_and_saves_nothing(client, make_user, token_for):
    response = _post(
        client,
        "/api/v1/organisations",
        {"name": "", "kind": "sme", "naf_code": "00.00Z", "sites": [{"commune": "Aubagne"}]},
        **token_for(make_user("ana")),
    )
    assert response.status_code == 422
    fields = {entry["loc"][-1] for entry in response.json()["detail"]}
    assert {"name", "naf_code"} <= fields
    assert Organisation.objects.count() == 0


def test_it_answers_422_for_a_wrong_type(client, make_user, token_for):
    response = _post(
        client,
        "/api/v1/organisations/x/sites",
        {"latitude": "north"},
        **token_for(make_user("ana")),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "latitude"


def test_it_updates_an_organisation_partially(client, make_user, make_organisation, token_for):
    admin = make_user("ana")
    organisation = make_organisation("Atelier Un", admin=admin, fields=["food"])
    response = client.patch(
        f"/api/v1/organisations/{organisation.slug}",
        json.dumps({"description": "Nouvelle description"}),
        content_type="application/json",
        **token_for(admin),
    )
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Nouvelle description"
    assert response.json()["fields"] == ["food"]
    assert response.json()["name"] == "Atelier Un"


def test_it_manages_sites(client, make_user, make_organisation, token_for):
    admin = make_user("ana")
    organisation = make_organisation("Atelier Un", admin=admin)
    auth = token_for(admin)
    response = _post(
        client,
        f"/api/v1/organisations/{organisation.slug}/sites",
        {"name": "Annexe", "postal_code": "13600", "commune": "La Ciotat"},
        **auth,
    )
    assert response.status_code == 201, response.content
    site_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/sites/{site_id}",
        json.dumps({"commune": "Gémenos", "postal_code": "13420"}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["city"] == "Gémenos"
    assert abs(response.json()["latitude"] - 43.29) < 0.05
    assert client.delete(f"/api/v1/sites/{site_id}", **auth).status_code == 204
    assert organisation.sites.count() == 1


def test_the_openapi_document_lists_the_endpoints(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Maillage API"
    for path in ["/api/v1/organisations", "/api/v1/sites.geojson", "/api/v1/organisations/{slug}"]:
        assert path in document["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_session_writes_need_the_csrf_token(make_user, make_organisation):
    from django.test import Client

    admin = make_user("ana")
    organisation = make_organisation("Atelier Un", admin=admin)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    response = browser.patch(
        f"/api/v1/organisations/{organisation.slug}",
        json.dumps({"name": "Sans jeton"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Atelier Un"
