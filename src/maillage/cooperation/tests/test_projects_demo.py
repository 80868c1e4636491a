"""The demo portfolio: six projects of the Maillage Sud network, with all their parts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from maillage.cooperation.models import Network, Project, ProjectNeed
from maillage.demo.cooperation_projects import NETWORK_SLUG, load_cooperation_projects_demo
from maillage.demo.directory import load_directory_demo
from maillage.demo.equipment import load_equipment_demo
from maillage.directory.models import User

SLUGS = {
    "decoupe-jet-eau-partagee": ("pooling", "funded"),
    "retrofit-tours-commande-numerique": ("retrofit", "study"),
    "pasteurisateur-low-tech": ("innovate", "running"),
    "hotel-entreprises-low-tech": ("attract", "idea"),
    "ecole-reparation-industrielle": ("recruit", "running"),
    "guichet-unique-mutualisation": ("simplify", "study"),
}


@pytest.mark.django_db
def test_it_loads_six_projects_once(client: Any) -> None:
    load_directory_demo()
    load_equipment_demo()
    assert load_cooperation_projects_demo() == 6
    network = Network.objects.get(slug=NETWORK_SLUG)
    assert network.name == "Pôle territorial de coopération économique Maillage Sud"
    found = {p.slug: (p.theme, p.stage) for p in Project.objects.filter(network=network)}
    assert found == SLUGS
    for project in Project.objects.select_related("commune"):
        assert project.commune is not None and project.commune.department_id in {
            "13",
            "84",
            "83",
            "04",
            "05",
        }
        assert project.partners.exists() and project.needs.exists() and project.milestones.exists()
        assert project.budget > 0
    machine_needs = ProjectNeed.objects.filter(kind="machine")
    assert machine_needs.count() >= 3 and all(n.machine_id for n in machine_needs)
    assert ProjectNeed.objects.filter(kind="process", process__code="3.3.6.1").exists()
    assert load_cooperation_projects_demo() == 0
    assert Project.objects.count() == 6

    client.force_login(User.objects.get(username="admin-atelier"))
    page = client.get(reverse("cooperation:project", args=["decoupe-jet-eau-partagee"]))
    assert b'id="project-manage"' in page.content and "185\u00a0000\u00a0€" in page.content.decode()
    client.force_login(User.objects.get(username="visiteur"))
    listing = client.get(reverse("cooperation:projects")).content.decode()
    assert listing.count("data-slug=") == 6
    geo = client.get(reverse("cooperation:projects_geojson")).json()
    assert len(geo["features"]) == 6
