"""The matching admin: coordinators read needs, unmet demand and runs; nobody edits them there."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from maillage.matching.actions.needs import find_machines
from maillage.matching.convert import NeedInput
from maillage.matching.models import AllocationRun, Need, NeedStatus
from maillage.matching.tests import test_api
from maillage.matching.tests.test_api import LASER_CUTTING, PLASMA

_fresh_index, taxonomy, territory = test_api._fresh_index, test_api.taxonomy, test_api.territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _search(user: Any, process: str, label: str) -> Need:
    earliest, deadline = test_api.window(24, 8)
    data = NeedInput(
        process_code=process,
        hours=2,
        earliest=earliest,
        deadline=deadline,
        max_km=80,
        commune="13001",
        label=label,
    )
    need, _matches = find_machines(user, data)
    assert need is not None
    return need


def test_coordinators_read_needs_and_filter_the_unmet_demand(
    client: Client, territory: Any, coordinator: Any
) -> None:
    dave = territory["dave"]
    _search(dave, LASER_CUTTING, "Shop signs")
    unmet = _search(dave, PLASMA, "Plasma cuts")
    assert unmet.status == NeedStatus.UNMET
    client.force_login(coordinator)
    page = client.get(reverse("admin:matching_need_changelist"))
    assert page.status_code == 200
    assert "Shop signs" in page.content.decode() and "Plasma cuts" in page.content.decode()
    only_unmet = client.get(reverse("admin:matching_need_changelist") + "?demand=unmet")
    assert only_unmet.status_code == 200
    assert "Plasma cuts" in only_unmet.content.decode()
    assert "Shop signs" not in only_unmet.content.decode()


def test_needs_and_runs_are_read_only_in_the_admin(
    client: Client, territory: Any, coordinator: Any
) -> None:
    need = _search(territory["dave"], LASER_CUTTING, "Shop signs")
    run = AllocationRun.objects.create(title="Spring orders", created_by=coordinator)
    client.force_login(coordinator)
    assert client.get(reverse("admin:matching_need_add")).status_code == 403
    assert client.get(reverse("admin:matching_allocationrun_add")).status_code == 403
    page = client.get(reverse("admin:matching_need_change", args=[need.pk]))
    assert page.status_code == 200 and 'name="label"' not in page.content.decode()
    posted = client.post(reverse("admin:matching_need_change", args=[need.pk]), {"label": "X"})
    assert posted.status_code == 403
    assert client.post(reverse("admin:matching_need_delete", args=[need.pk])).status_code == 403
    need.refresh_from_db()
    assert need.label == "Shop signs"
    runs = client.get(reverse("admin:matching_allocationrun_changelist"))
    assert runs.status_code == 200 and "Spring orders" in runs.content.decode()
    assert f"?batch__id__exact={run.pk}" in runs.content.decode()
    of_run = client.get(reverse("admin:matching_need_changelist") + f"?batch__id__exact={run.pk}")
    assert of_run.status_code == 200 and "Shop signs" not in of_run.content.decode()


def test_people_who_are_not_coordinators_do_not_see_matching_in_the_admin(
    client: Client, territory: Any, make_user: Any
) -> None:
    staff = make_user("staff", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:matching_need_changelist")).status_code == 403
    assert client.get(reverse("admin:matching_allocationrun_changelist")).status_code == 403
