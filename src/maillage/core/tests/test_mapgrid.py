import pytest

from maillage.core.geo import BBox, grid_clusters
from maillage.core.mapgrid import cluster_features
from maillage.directory.models import Site


@pytest.mark.django_db
def test_the_database_clusters_like_the_plain_python_grid(make_organisation):
    for name, commune, postal_code in [
        ("A", "Marseille", "13001"),
        ("B", "Marseille", "13008"),
        ("C", "Aubagne", "13400"),
        ("D", "Nice", "06000"),
        ("E", "Gap", "05000"),
        ("F", "Avignon", "84000"),
    ]:
        make_organisation(f"Atelier {name}", commune=commune, postal_code=postal_code)
    box = BBox(4.0, 43.0, 7.5, 45.0)
    qs = Site.objects.all()
    total, features = cluster_features(qs, box, "latitude", "longitude", cells_across=6)
    expected = grid_clusters(qs.values_list("latitude", "longitude"), box, cells_across=6)
    assert total == 6
    got = sorted(
        (
            f["properties"]["count"],
            round(f["geometry"]["coordinates"][0], 4),
            round(f["geometry"]["coordinates"][1], 4),
        )
        for f in features
    )
    want = sorted((c.count, round(c.longitude, 4), round(c.latitude, 4)) for c in expected)
    assert got == want
