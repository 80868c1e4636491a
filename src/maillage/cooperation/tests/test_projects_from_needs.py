"""Unmet searches of the year grouped by process, and the project a coordinator starts from one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.cooperation.models import Project, ProjectNeed
from maillage.cooperation.queries import projects as queries
from maillage.cooperation.tests.projects_world import english, world
from maillage.equipment.models import Process
from maillage.matching.models import Need, NeedStatus

__all__ = ["english", "world"]

pytestmark = [pytest.mark.django_db]


def _need(user: Any, org: Any, code: str, days_ago: int, status: str = NeedStatus.UNMET) -> Need:
    when = timezone.now() - dt.timedelta(days=days_ago)
    need = Need.objects.create(
        requester=user,
        organisation=org,
        process=Process.objects.get(code=code),
        hours=Decimal(4),
        earliest=when,
        deadline=when + dt.timedelta(days=10),
        latitude=43.3,
        longitude=5.4,
        department_id="13",
        max_km=30,
        status=status,
        unmet_reason="too_far" if status == NeedStatus.UNMET else "",
    )
    Need.objects.filter(pk=need.pk).update(created_at=when)
    return need


@pytest.fixture
def searches(world: Any) -> dict[str, Any]:
    waterjet, turning = "3.3.6.1", "3.2.1"
    made = [
        _need(world["lena"], world["lead"], waterjet, 10),
        _need(world["max"], world["lead"], waterjet, 20),  # same organisation: counted once
        _need(world["pia"], world["partner"], waterjet, 30),
        _need(world["oscar"], None, waterjet, 40),  # a person without organisation
        _need(world["oscar"], None, waterjet, 50),
        _need(world["pia"], world["partner"], waterjet, 400),  # more than a year ago
        _need(world["pia"], world["partner"], waterjet, 5, NeedStatus.MATCHED),
        _need(world["oscar"], world["other"], turning, 3),
    ]
    return {"needs": made, "waterjet": waterjet, "turning": turning}


def test_it_groups_the_years_unmet_searches_by_process(searches: Any) -> None:
    groups = queries.unmet_groups()
    assert [(g.process.code, g.askers, g.searches) for g in groups] == [
        ("3.3.6.1", 3, 5),
        ("3.2.1", 1, 1),
    ]
    assert groups[0].need_ids == sorted(n.pk for n in searches["needs"][:5])


@pytest.mark.usefixtures("english")
def test_a_coordinator_reads_the_groups_with_plurals(
    client: Any, world: Any, searches: Any
) -> None:
    url = reverse("cooperation:projects_from_needs")
    client.force_login(world["lena"])
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(world["coord"])
    page = client.get(url).content.decode()
    assert "3 organisations asked for “Waterjet cutting (pure and abrasive)” this year" in page
    assert "1 organisation asked for “Turning” this year" in page
    assert "5 unmet searches" in page and "1 unmet search<" in page


def test_starting_a_project_links_the_need_to_the_searches(
    client: Any, world: Any, searches: Any
) -> None:
    client.force_login(world["coord"])
    url = reverse("cooperation:projects_from_needs")
    answer = client.post(url, {"process": searches["waterjet"], "lead": world["partner"].pk})
    project = Project.objects.get(lead=world["partner"])
    assert answer["Location"] == reverse("cooperation:project", args=[project.slug])
    assert project.stage == "idea" and project.network == world["network"]
    need = ProjectNeed.objects.get(project=project)
    assert need.kind == "process" and need.process.code == "3.3.6.1"
    assert need.quantity == Decimal(20)
    assert set(need.unmet_needs.values_list("pk", flat=True)) == {
        n.pk for n in searches["needs"][:5]
    }
    assert need.source_need == searches["needs"][0]
    # The group now names the project it started.
    group = queries.unmet_groups()[0]
    assert [p.slug for p in group.projects] == [project.slug]
    # Nothing unmet for this process: refused, nothing made.
    client.post(url, {"process": "1.1.1", "lead": world["partner"].pk})
    assert Project.objects.filter(lead=world["partner"]).count() == 1
    client.force_login(world["lena"])
    client.post(url, {"process": searches["turning"], "lead": world["lead"].pk})
    assert not ProjectNeed.objects.filter(process__code="3.2.1").exists()
