"""Events: registering and cancelling, who sees which, the pages and the calendar feeds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.cooperation.actions import events as actions
from maillage.cooperation.models import Event, EventRegistration
from maillage.cooperation.queries.events import feed_token
from maillage.cooperation.tests.governance_world import english, gov

__all__ = ["english", "gov"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _event(gov: dict[str, Any], **extra: Any) -> Event:
    start = timezone.now() + dt.timedelta(days=7)
    fields: dict[str, Any] = {
        "network": gov["network"],
        "title": "Visite de l'atelier, partagé",
        "description": "Découverte; machines\net outils",
        "start": start,
        "end": start + dt.timedelta(hours=2),
        "place": "Atelier du Port",
        "capacity": 2,
        "is_public": True,
        **extra,
    }
    return Event.objects.create(**fields)


def test_people_register_until_the_event_is_full(gov: dict[str, Any]) -> None:
    event = _event(gov)
    actions.register(gov["visitor"], event)
    with pytest.raises(ValidationError, match="already registered"):
        actions.register(gov["visitor"], event)
    actions.register(gov["olga"], event)
    with pytest.raises(ValidationError, match="full"):
        actions.register(gov["ada"], event)
    actions.cancel(gov["olga"], event)
    actions.register(gov["ada"], event)
    assert EventRegistration.objects.filter(event=event, cancelled_at__isnull=True).count() == 2


def test_nobody_registers_or_cancels_once_it_has_started(gov: dict[str, Any]) -> None:
    event = _event(gov)
    actions.register(gov["visitor"], event)
    Event.objects.filter(pk=event.pk).update(start=timezone.now() - dt.timedelta(minutes=1))
    event.refresh_from_db()
    with pytest.raises(ValidationError, match="started"):
        actions.register(gov["olga"], event)
    with pytest.raises(ValidationError, match="started"):
        actions.cancel(gov["visitor"], event)


def test_a_members_meeting_is_for_members(gov: dict[str, Any], client: Any) -> None:
    event = _event(gov, is_public=False, title="Conseil d'administration", body=gov["board"])
    with pytest.raises(PermissionDenied):
        actions.register(gov["visitor"], event)
    actions.register(gov["ada"], event)
    assert client.get(reverse("cooperation:event", args=[event.pk])).status_code == 404
    assert client.get(reverse("cooperation:event_ics", args=[event.pk])).status_code == 404
    assert "Conseil" not in client.get(reverse("cooperation:events")).content.decode()
    client.force_login(gov["ada"])
    assert "Conseil" in client.get(reverse("cooperation:events")).content.decode()


def test_cancelling_without_a_registration_is_refused(gov: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="not registered"):
        actions.cancel(gov["visitor"], _event(gov))


def test_the_event_page_registers_and_cancels(gov: dict[str, Any], client: Any) -> None:
    event = _event(gov)
    page = client.get(reverse("cooperation:event", args=[event.pk]))
    assert (
        "Atelier du Port" in page.content.decode()
        and "Sign in to register" in page.content.decode()
    )
    client.force_login(gov["visitor"])
    answer = client.post(reverse("cooperation:event_register", args=[event.pk]), follow=True)
    assert "You are registered." in answer.content.decode()
    assert "1 / 2" in answer.content.decode()
    client.post(reverse("cooperation:event_cancel", args=[event.pk]))
    assert not EventRegistration.objects.filter(event=event, cancelled_at__isnull=True).exists()


def test_the_events_list_shows_upcoming_public_events(gov: dict[str, Any], client: Any) -> None:
    _event(gov, title="Assemblée générale 2027")
    page = client.get(reverse("cooperation:events")).content.decode()
    assert "Assemblée générale 2027" in page and "0 registered of 2 places" in page


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_the_calendar_feed_has_the_public_events_only(gov: dict[str, Any], client: Any) -> None:
    public = _event(gov)
    _event(gov, is_public=False, title="Conseil privé")
    answer = client.get(reverse("cooperation:events_ics"))
    assert answer["Content-Type"].startswith("text/calendar")
    lines = _unfold(answer.content.decode())
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1
    assert f"UID:event-{public.pk}@testserver" in lines
    assert "SUMMARY:Visite de l'atelier\\, partagé" in lines
    assert "DESCRIPTION:Découverte\\; machines\\net outils" in lines
    start = public.start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in lines
    assert f"URL:http://testserver/network/events/{public.pk}/" in lines
    assert all(len(raw.encode()) <= 75 for raw in answer.content.decode().split("\r\n"))


def test_one_events_calendar(gov: dict[str, Any], client: Any) -> None:
    event = _event(gov)
    answer = client.get(reverse("cooperation:event_ics", args=[event.pk]))
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/calendar")
    assert "LOCATION:Atelier du Port" in _unfold(answer.content.decode())


def test_the_coordinator_plans_an_event_from_the_running_page(
    gov: dict[str, Any], client: Any
) -> None:
    client.force_login(gov["coordinator"])
    url = reverse("cooperation:network_manage")
    fields = {
        "form": "event",
        "event-title": "Atelier réparation",
        "event-start": "2027-03-04T14:00",
        "event-end": "2027-03-04T12:00",
        "event-capacity": "0",
        "event-commune": "99999",
        "event-is_public": "on",
    }
    bad = client.post(url, fields)
    page = bad.content.decode()
    assert bad.status_code == 400 and "No commune has this INSEE code." in page
    assert "Ensure this value is greater than or equal to 1." in page
    assert not Event.objects.exists()
    fields.update({"event-commune": "", "event-capacity": "12"})
    backwards = client.post(url, fields)
    assert "The event cannot end before it starts." in backwards.content.decode()
    fields["event-end"] = "2027-03-04T17:00"
    assert client.post(url, fields).status_code == 302
    event = Event.objects.get()
    assert event.capacity == 12 and event.is_public and event.start.hour == 13  # 14:00 Paris
    client.force_login(gov["ada"])
    assert client.post(url, fields).status_code == 403


def test_a_members_key_adds_the_private_meetings_to_the_feed(
    gov: dict[str, Any], client: Any
) -> None:
    _event(gov, title="Visite publique")
    _event(gov, title="Conseil privé", is_public=False)
    url = reverse("cooperation:events_ics")
    assert b"Conseil" not in client.get(url).content
    mine = feed_token(gov["ada"])
    assert b"SUMMARY:Conseil priv" in client.get(url, {"key": mine}).content
    outsider = client.get(url, {"key": feed_token(gov["visitor"])}).content
    assert b"Visite publique" in outsider and b"Conseil" not in outsider
    tampered = mine[:-1] + ("1" if mine[-1] == "0" else "0")
    assert client.get(url, {"key": tampered}).status_code == 404
    assert client.get(url, {"key": "1-bad"}).status_code == 404
    gov["ada"].set_password("another-Pass-2026")
    gov["ada"].save()
    assert client.get(url, {"key": mine}).status_code == 404
    client.force_login(gov["ada"])
    assert (
        "?key=" + feed_token(gov["ada"])
        in client.get(reverse("cooperation:events")).content.decode()
    )
