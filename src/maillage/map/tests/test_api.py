"""The map's API: the organisation list with the map's filters, the site layer."""

import pytest

from maillage.directory.models import OrganisationStatus

pytestmark = pytest.mark.django_db


def test_it_filters_like_the_map(client, make_organisation):
    make_organisation("Fablab Étoile", kind="fablab", fields=["education_cooperation"])
    make_organisation("Tôlerie Nord", kind="sme", commune="Nice", postal_code="06000")
    assert client.get("/api/v1/organisations?kind=fablab").json()["count"] == 1
    assert client.get("/api/v1/organisations?q=etoile").json()["count"] == 1
    assert client.get("/api/v1/organisations?q=NICE").json()["count"] == 1
    assert client.get("/api/v1/organisations?dept=06").json()["count"] == 1
    assert client.get("/api/v1/organisations?field=education_cooperation").json()["count"] == 1
    response = client.get("/api/v1/organisations?dept=999")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "dept"]


def test_the_geojson_layer_holds_public_sites_in_the_box(client, make_organisation):
    make_organisation("Fablab Étoile", kind="fablab")
    make_organisation("Tôlerie Nord", kind="sme", commune="Nice", postal_code="06000")
    make_organisation("Atelier Caché", status=OrganisationStatus.REFUSED)
    body = client.get("/api/v1/sites.geojson?bbox=5.0,43.0,5.8,43.6").json()
    assert body["total"] == 1
    feature = body["features"][0]
    assert feature["properties"]["org"] == "Fablab Étoile"
    assert feature["properties"]["url"].startswith("/o/")
    lon, lat = feature["geometry"]["coordinates"]
    assert 5.0 <= lon <= 5.8 and 43.0 <= lat <= 43.6
    body = client.get("/api/v1/sites.geojson?bbox=-5,41,10,51&kind=sme").json()
    assert [f["properties"]["org"] for f in body["features"]] == ["Tôlerie Nord"]


def test_the_geojson_layer_clusters_when_the_box_holds_too_many(
    client, settings, make_organisation
):
    settings.MAP_MAX_POINTS = 2
    for i in range(4):
        make_organisation(f"Atelier {i}")
    body = client.get("/api/v1/sites.geojson?bbox=-5,41,10,51").json()
    assert body["total"] == 4
    assert all(f["properties"]["cluster"] for f in body["features"])
    assert sum(f["properties"]["count"] for f in body["features"]) == 4
