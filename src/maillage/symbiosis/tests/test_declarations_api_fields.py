"""The declarations API names a refused field as its own body does (`code`, `site`)."""

from __future__ import annotations

import json

import pytest

from maillage.symbiosis.models import ResourceDeclaration
from maillage.symbiosis.tests import declaration_world
from maillage.symbiosis.tests.declaration_world import World

world = declaration_world.world

pytestmark = pytest.mark.django_db


def test_an_unknown_code_is_refused_under_the_code_field(world: World) -> None:
    before = ResourceDeclaration.objects.count()
    body = {
        "organisation": world.sawmill.slug,
        "site": world.site.pk,
        "direction": "offer",
        "title": "Copeaux",
        "code": "99 99 99",
        "quantity_min": 1,
        "quantity_max": 2,
        "unit": "t",
        "period": "year",
        "regulatory_status": "by_product",
    }
    response = world.client("owner").post(
        "/api/v1/symbiosis/declarations",
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "code"]]
    assert ResourceDeclaration.objects.count() == before
