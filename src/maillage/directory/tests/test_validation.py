"""Bad input gets a message naming the field, and nothing is saved."""

import pytest
from django.core.exceptions import ValidationError

from maillage.directory.actions import organisations as organisation_actions
from maillage.directory.actions import sites as site_actions
from maillage.directory.models import Organisation, Site

pytestmark = pytest.mark.django_db


def _create(user, **org):
    sites = org.pop("sites", [site_actions.SiteInput(commune="Marseille", postal_code="13002")])
    data = {"name": "Atelier Test", "kind": "fablab", **org}
    return organisation_actions.create_organisation(
        user, organisation_actions.OrganisationInput(**data), sites
    )


def _errors(exc_info):
    return exc_info.value.message_dict


def test_it_refuses_an_empty_name_and_saves_nothing(make_user):
    user = make_user("ana")
    with pytest.raises(ValidationError) as exc_info:
        _create(user, name="   ")
    assert "name" in _errors(exc_info)
    assert Organisation.objects.count() == 0
    assert Site.objects.count() == 0


def test_it_refuses_an_unknown_naf_code_naming_it(make_user):
    with pytest.raises(ValidationError) as exc_info:
        _create(make_user("ana"), naf_code="99.99X")
    assert "99.99X" in _errors(exc_info)["naf_code"][0]
    assert Organisation.objects.count() == 0


def test_it_stores_the_naf_version_with_a_known_code(make_user):
    organisation = _create(make_user("ana"), naf_code="25.62A")
    assert (organisation.naf.code, organisation.naf.version) == ("25.62A", "NAFRev2")


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [(95.0, 5.0, "latitude"), (43.0, 190.0, "longitude"), (float("nan"), 5.0, "latitude")],
)
def test_it_refuses_coordinates_off_the_globe_and_saves_nothing(make_user, lat, lon, field):
    site = site_actions.SiteInput(commune="Marseille", latitude=lat, longitude=lon)
    with pytest.raises(ValidationError) as exc_info:
        _create(make_user("ana"), sites=[site])
    assert field in _errors(exc_info)
    assert Organisation.objects.count() == 0
    assert Site.objects.count() == 0


def test_it_refuses_half_a_coordinate(make_user):
    site = site_actions.SiteInput(commune="Marseille", latitude=43.3)
    with pytest.raises(ValidationError) as exc_info:
        _create(make_user("ana"), sites=[site])
    assert "longitude" in _errors(exc_info)


def test_it_refuses_an_unknown_commune_with_a_message_naming_it(make_user):
    site = site_actions.SiteInput(commune="Nowhereville-xyz")
    with pytest.raises(ValidationError) as exc_info:
        _create(make_user("ana"), sites=[site])
    assert "Nowhereville-xyz" in _errors(exc_info)["commune"][0]
    assert Organisation.objects.count() == 0


def test_it_places_a_site_at_its_commune_and_keeps_refined_coordinates(make_user):
    organisation = _create(make_user("ana"))
    site = organisation.sites.get()
    assert site.commune.insee_code == "13202"
    assert site.department_id == "13"
    refined = site_actions.SiteInput(
        commune="Marseille", postal_code="13002", latitude=43.31, longitude=5.365
    )
    site_actions.update_site(organisation.created_by, site, refined)
    site.refresh_from_db()
    assert (site.latitude, site.longitude) == (43.31, 5.365)


def test_it_accepts_a_site_outside_france_with_valid_coordinates(make_user):
    site = site_actions.SiteInput(commune="Torino", country="IT", latitude=45.07, longitude=7.69)
    organisation = _create(make_user("ana"), sites=[site])
    stored = organisation.sites.get()
    assert (stored.country, stored.city, stored.commune) == ("IT", "Torino", None)


def test_it_asks_for_coordinates_outside_france(make_user):
    with pytest.raises(ValidationError) as exc_info:
        _create(make_user("ana"), sites=[site_actions.SiteInput(commune="Torino", country="IT")])
    assert "latitude" in _errors(exc_info)


def test_the_database_itself_refuses_an_out_of_range_latitude(make_user):
    from django.db import IntegrityError, transaction

    organisation = _create(make_user("ana"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Site.objects.filter(organisation=organisation).update(latitude=123.0)


def test_it_refuses_unknown_kind_and_field(make_user):
    with pytest.raises(ValidationError) as exc_info:
        _create(make_user("ana"), kind="castle", fields=["piracy"])
    assert {"kind", "fields"} <= set(_errors(exc_info))


def test_it_gives_each_organisation_its_own_slug(make_user):
    user = make_user("ana")
    first, second = _create(user), _create(user)
    assert first.slug == "atelier-test"
    assert second.slug == "atelier-test-2"
