"""Names and other one-line values refuse control characters; e-mails never break a write."""

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from maillage.core.text import has_control_characters, one_line
from maillage.directory.actions import organisations as organisation_actions
from maillage.directory.actions import people as people_actions
from maillage.directory.actions import sites as site_actions
from maillage.directory.models import Organisation, Site
from maillage.equipment.actions import MachineInput, create_machine
from maillage.equipment.models import Machine

FAILING_MAIL = "maillage.testing.FailingEmailBackend"


@pytest.mark.parametrize(
    "text", ["Atelier\nNord", "Atelier\r\nNord", "Atelier\tNord", "A\x00B", "A\u2028B", "A\u202eB"]
)
def test_line_breaks_tabs_and_invisible_controls_are_control_characters(text):
    assert has_control_characters(text)


@pytest.mark.parametrize("text", ["Atelier Nord", "L'Établi — 13", "Ça\u00a0va", "👩\u200d🔧 Lab"])
def test_ordinary_text_spaces_and_emoji_joiners_are_not(text):
    assert not has_control_characters(text)


def test_a_subject_is_put_on_one_line():
    assert one_line("Atelier\r\nNord:\tvalidé ") == "Atelier Nord: validé"


@pytest.mark.django_db
def test_an_organisation_name_with_a_newline_is_refused_and_nothing_is_saved(make_user):
    with pytest.raises(ValidationError) as exc_info:
        organisation_actions.create_organisation(
            make_user("ana"),
            organisation_actions.OrganisationInput(
                name="Atelier\nBcc: x@example.org", kind="fablab"
            ),
            [site_actions.SiteInput(commune="Marseille", postal_code="13002")],
        )
    assert list(exc_info.value.message_dict) == ["name"]
    assert exc_info.value.message_dict["name"][0].startswith(("Write this on a single", "Écrivez"))
    assert Organisation.objects.count() == Site.objects.count() == 0


@pytest.mark.django_db
def test_the_api_answers_422_for_a_name_with_a_newline_and_saves_nothing(client, make_user):
    key = people_actions.create_api_token(make_user("ana"), "test")[1]
    response = client.post(
        "/api/v1/organisations",
        json.dumps({"name": "Atelier\nNord", "kind": "fablab", "sites": [{"commune": "Aubagne"}]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "name"]]
    assert Organisation.objects.count() == 0


def _organisation_page(client, name, site_name=""):
    return client.post(
        "/organisations/new/",
        {
            "org-name": name,
            "org-kind": "reuse_repair",
            "site-name": site_name,
            "site-commune": "Aubagne",
            "site-country": "FR",
        },
    )


@pytest.mark.django_db
def test_the_page_shows_the_error_beside_the_organisation_name(client, make_user):
    client.force_login(make_user("ana"))
    response = _organisation_page(client, "Atelier\nNord", site_name="Hangar")
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not response.context["site_form"].errors
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_the_page_shows_the_error_beside_the_site_name(client, make_user):
    client.force_login(make_user("ana"))
    response = _organisation_page(client, "Atelier Nord", site_name="Hangar\t2")
    assert response.status_code == 200
    assert response.context["site_form"].errors["name"]
    assert not response.context["form"].errors
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_a_machine_name_with_a_newline_is_refused(make_user, make_organisation):
    alice = make_user("alice")
    workshop = make_organisation("Atelier Sud", admin=alice)
    with pytest.raises(ValidationError) as exc_info:
        create_machine(
            alice,
            workshop,
            MachineInput(name="Laser\nCO2", model="X\r1", process_codes=["3.4.1.1"]),
        )
    assert set(exc_info.value.message_dict) == {"name", "model"}
    assert Machine.objects.count() == 0


@pytest.mark.django_db
def test_a_training_title_with_a_newline_is_refused(make_user, make_organisation):
    from maillage.qualifications.actions import create_training
    from maillage.qualifications.models import Training

    alice = make_user("alice")
    workshop = make_organisation("Atelier Sud", admin=alice)
    with pytest.raises(ValidationError) as exc_info:
        create_training(alice, workshop, "Laser\nsafety", process_code="3.4.1.1")
    assert list(exc_info.value.message_dict) == ["title"]
    assert Training.objects.count() == 0


@pytest.mark.django_db
def test_a_first_name_with_a_newline_is_refused_at_sign_up(client):
    from maillage.directory.models import User

    response = client.post(
        "/accounts/signup/",
        {
            "username": "ana",
            "email": "ana@example.org",
            "first_name": "Ana\nBcc: x@example.org",
            "last_name": "Lopez",
            "password1": "pw-Maillage-2026",
            "password2": "pw-Maillage-2026",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["first_name"]
    assert not User.objects.filter(username="ana").exists()


@pytest.mark.django_db
def test_a_failing_mail_server_leaves_one_organisation_and_a_normal_answer(
    client, make_user, coordinator, settings, django_capture_on_commit_callbacks
):
    """Without a queue (immediate backend) the e-mail is tried after the commit, and fails."""
    settings.EMAIL_BACKEND = FAILING_MAIL
    client.force_login(make_user("ana"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _organisation_page(client, "Atelier Nord")
    assert callbacks, "the notification was tried"
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Atelier Nord").count() == 1


@pytest.mark.django_db
def test_with_the_queue_the_notification_is_written_with_the_organisation(
    client, make_user, coordinator, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(make_user("ana"))
    assert _organisation_page(client, "Atelier Nord").status_code == 302
    organisation = Organisation.objects.get()
    queued = DBTaskResult.objects.filter(
        task_path="maillage.directory.tasks.notify_new_organisation"
    )
    assert [row.args_kwargs["args"] for row in queued] == [[organisation.pk]]
    assert mail.outbox == []  # the request sent nothing

    # The worker's send fails there, not in the request; the organisation stays, alone.
    settings.EMAIL_BACKEND = FAILING_MAIL
    with pytest.raises(ConnectionRefusedError):
        queued.get().task.call(*queued.get().args_kwargs["args"])
    assert Organisation.objects.count() == 1

    # Sent by the worker, with the subject on one line even for a name saved before the check.
    Organisation.objects.filter(pk=organisation.pk).update(name="Atelier\nNord")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from maillage.directory.notifications import send_new_organisation_notification

    send_new_organisation_notification(organisation.pk)
    assert [m.subject.rsplit(":", 1)[-1] for m in mail.outbox] == [" Atelier Nord"]
