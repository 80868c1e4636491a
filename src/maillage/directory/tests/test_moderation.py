import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from maillage.directory.actions import organisations as organisation_actions
from maillage.directory.models import OrganisationStatus

pytestmark = pytest.mark.django_db


def _submit(client, user, name="Atelier Nouveau"):
    client.force_login(user)
    response = client.post(
        "/organisations/new/",
        {
            "org-name": name,
            "org-kind": "reuse_repair",
            "org-fields": ["waste_reuse"],
            "site-commune": "Aubagne",
            "site-country": "FR",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_a_new_organisation_waits_for_a_coordinator_who_is_told(
    client, make_user, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, make_user("ana"))
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    client.logout()
    assert client.get("/api/v1/sites.geojson?bbox=5,43,6,44").json()["total"] == 0


def test_the_coordinator_validates_from_the_queue_and_it_reaches_the_map(
    client, make_user, coordinator
):
    _submit(client, make_user("ana"))
    client.force_login(coordinator)
    queue = client.get("/moderation/").content.decode()
    assert "Atelier Nouveau" in queue
    response = client.post("/moderation/atelier-nouveau/", {"status": "validated"})
    assert response.status_code == 302
    client.logout()
    body = client.get("/api/v1/sites.geojson?bbox=5,43,6,44").json()
    assert [f["properties"]["org"] for f in body["features"]] == ["Atelier Nouveau"]


def test_a_refusal_needs_a_reason_and_keeps_it(client, make_user, coordinator):
    _submit(client, make_user("ana"))
    client.force_login(coordinator)
    client.post("/moderation/atelier-nouveau/", {"status": "refused", "reason": ""})
    from maillage.directory.models import Organisation

    organisation = Organisation.objects.get(slug="atelier-nouveau")
    assert organisation.status == OrganisationStatus.PENDING
    client.post("/moderation/atelier-nouveau/", {"status": "refused", "reason": "Hors territoire"})
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.REFUSED
    assert organisation.moderation_reason == "Hors territoire"
    assert organisation.moderated_by == coordinator
    assert "Hors territoire" in client.get("/moderation/?status=refused").content.decode()


def test_a_possible_duplicate_names_the_original(coordinator, make_organisation):
    original = make_organisation("Fablab Étoile")
    copy = make_organisation("Fab Lab Etoile", status=OrganisationStatus.PENDING)
    with pytest.raises(ValidationError) as exc_info:
        organisation_actions.moderate_organisation(
            coordinator, copy, OrganisationStatus.DUPLICATE, "même lieu"
        )
    assert "duplicate_of" in exc_info.value.message_dict
    organisation_actions.moderate_organisation(
        coordinator, copy, OrganisationStatus.DUPLICATE, "même lieu", duplicate_of=original
    )
    copy.refresh_from_db()
    assert (copy.status, copy.duplicate_of) == (OrganisationStatus.DUPLICATE, original)


def test_every_change_is_kept_in_the_audit_trail_with_its_author(client, make_user, coordinator):
    ana = make_user("ana")
    _submit(client, ana)
    client.force_login(coordinator)
    client.post("/moderation/atelier-nouveau/", {"status": "validated"})
    from maillage.directory.models import Organisation

    organisation = Organisation.objects.get(slug="atelier-nouveau")
    history = list(organisation.history.order_by("history_date"))
    assert history[0].history_type == "+" and history[0].history_user == ana
    assert history[-1].status == "validated" and history[-1].history_user == coordinator
    site_history = organisation.sites.get().history.first()
    assert site_history.history_user == ana
    page = client.get(f"/o/{organisation.slug}/").content.decode()
    assert coordinator.username in page or coordinator.display_name() in page
