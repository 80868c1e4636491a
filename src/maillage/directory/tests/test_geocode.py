import pytest

from maillage.directory.geocode import find_commune, search_communes

pytestmark = pytest.mark.django_db


def test_it_finds_a_marseille_arrondissement_by_postal_code():
    commune = find_commune("", "13008")
    assert commune.insee_code == "13208"
    assert commune.department_id == "13"


def test_it_finds_a_commune_by_name_whatever_the_accents_and_article():
    assert find_commune("la ciotat").insee_code == "13028"
    assert find_commune("Gemenos").name == "Gémenos"
    assert find_commune("Berre-l'Etang").insee_code == "13014"


def test_it_prefers_the_named_commune_among_those_sharing_a_postal_code():
    # 13100 is shared by Aix-en-Provence and Saint-Marc-Jaumegarde.
    assert find_commune("Saint-Marc-Jaumegarde", "13100").insee_code == "13095"
    assert find_commune("13100 Aix-en-Provence").insee_code == "13001"


def test_it_reads_a_postal_code_typed_in_the_commune_box():
    assert find_commune("13400 Aubagne").insee_code == "13005"


def test_it_answers_none_for_a_place_that_does_not_exist():
    assert find_commune("Nowhereville-sur-Rien") is None
    assert find_commune("", "99999") is None


def test_it_offers_communes_for_an_autocomplete():
    names = [c.name for c in search_communes("Mars")]
    assert names[0] == "Marseille"
    assert all(c.postal_codes for c in search_communes("1340"))


def test_it_finds_a_commune_by_its_insee_code():
    assert find_commune("2A004").name == "Ajaccio"
    assert find_commune("13202").name == "Marseille 2e Arrondissement"


def test_it_reads_marseille_with_a_postal_code_as_the_arrondissement():
    assert find_commune("Marseille", "13002").insee_code == "13202"
