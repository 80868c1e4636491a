import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.core.geo import BBox, GeoError, check_coordinates, grid_clusters, haversine_km
from maillage.core.text import fold, slugify_ascii


def test_it_measures_marseille_to_aix_as_about_25_km():
    assert haversine_km(43.2965, 5.3698, 43.5297, 5.4474) == pytest.approx(26.7, abs=0.5)


def test_it_parses_a_leaflet_bbox_and_clamps_longitudes_past_the_antimeridian():
    assert BBox.parse("4.2,43.1,5.9,43.9") == BBox(4.2, 43.1, 5.9, 43.9)
    assert BBox.parse("-200,-95,200,95") == BBox(-180, -90, 180, 90)


@pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "5,43,4,44", "nan,1,2,3"])
def test_it_refuses_a_bbox_that_is_not_a_box(text):
    with pytest.raises(GeoError):
        BBox.parse(text)


def test_it_names_the_faulty_coordinate():
    with pytest.raises(GeoError, match="latitude"):
        check_coordinates(91, 5)
    with pytest.raises(GeoError, match="longitude"):
        check_coordinates(43, -181)
    with pytest.raises(GeoError, match="latitude"):
        check_coordinates(math.nan, 5)


@given(
    st.lists(
        st.tuples(st.floats(41, 51), st.floats(-5, 9.5)),
        min_size=1,
        max_size=300,
    )
)
def test_grid_clusters_keep_every_point_and_stay_in_the_box(points):
    box = BBox(-5, 41, 9.5, 51)
    clusters = grid_clusters(points, box, cells_across=10)
    assert sum(c.count for c in clusters) == len(points)
    for c in clusters:
        assert 41 - 1e-9 <= c.latitude <= 51 + 1e-9
        assert -5 - 1e-9 <= c.longitude <= 9.5 + 1e-9


def test_it_folds_accents_case_and_punctuation_alike():
    assert fold("Fab-Lab ÉTOILE, Cœur") == "fab lab etoile coeur"
    assert slugify_ascii("L'Atelier des Pennes") == "l-atelier-des-pennes"
    assert slugify_ascii("!!!") == "organisation"
