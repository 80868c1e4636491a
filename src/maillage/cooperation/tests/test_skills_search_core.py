"""The pure ranking of skills: nearest first, within the radius, ties by level."""

from maillage.cooperation.skills_search import Candidate, bounding_box, rank

MARSEILLE = (43.2965, 5.3698)
AIX = (43.5297, 5.4474)
TOULON = (43.1242, 5.9280)
NICE = (43.7102, 7.2620)


def test_it_sorts_by_distance_and_drops_what_is_beyond_the_radius() -> None:
    candidates = [
        Candidate(1, *NICE, "expert", "Soudure"),
        Candidate(2, *TOULON, "beginner", "Soudure"),
        Candidate(3, *AIX, "confirmed", "Soudure"),
        Candidate(4, None, None, "expert", "Soudure"),  # no known place
    ]
    ranked = rank(candidates, MARSEILLE, 70)
    assert [r.key for r in ranked] == [3, 2]
    assert 20 < ranked[0].distance_km < 30  # Aix is about 26 km away
    assert 45 < ranked[1].distance_km < 55


def test_it_breaks_ties_by_level_then_label() -> None:
    ranked = rank(
        [
            Candidate(1, *AIX, "beginner", "b"),
            Candidate(2, *AIX, "expert", "z"),
            Candidate(3, *AIX, "expert", "a"),
        ],
        MARSEILLE,
        None,
    )
    assert [r.key for r in ranked] == [3, 2, 1]


def test_without_a_place_every_candidate_comes_by_level() -> None:
    ranked = rank(
        [Candidate(1, None, None, "beginner", "x"), Candidate(2, *NICE, "expert", "y")], None, 10
    )
    assert [(r.key, r.distance_km) for r in ranked] == [(2, None), (1, None)]


def test_the_bounding_box_holds_the_radius() -> None:
    south, north, west, east = bounding_box(*MARSEILLE, 30)
    assert south < AIX[0] < north and west < AIX[1] < east
    assert not (west < NICE[1] < east)
