"""The demo loop: 35 shops around Marseille, 15 000 bottles a year, a round to look at."""

import io
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from maillage.demo.symbiosis_loops import SLUG, load_loops_demo
from maillage.directory.models import User
from maillage.symbiosis.models import CollectionRound, ContainerLoop, LoopRole, StockReport


@pytest.mark.django_db
def test_it_loads_a_loop_of_35_shops_and_15000_bottles_once(client):
    started = time.perf_counter()
    call_command("load_demo", stdout=io.StringIO())
    loop = ContainerLoop.objects.get(slug=SLUG)
    assert loop.members.filter(role=LoopRole.SHOP, active=True).count() == 35
    assert loop.members.filter(role=LoopRole.WASHER).count() == 1
    assert 3 <= loop.members.filter(role=LoopRole.PRODUCER).count() <= 5
    months = list(loop.months.order_by("month"))
    assert len(months) == 12
    assert sum(m.filled for m in months) == 15_000
    rates = [m.returned / m.sold for m in months]
    assert rates[-1] > rates[0] + 0.2  # the return rate rises over the first year
    for member in loop.members.select_related("site"):
        assert 43.1 < member.site.latitude < 43.6 and 5.1 < member.site.longitude < 5.7
    found = CollectionRound.objects.get(loop=loop)
    assert found.stops and found.distance_km > 0
    served = [s["member"] for s in found.stops]
    assert len(served) == len(set(served))
    assert all(s["load_after"] <= loop.van_capacity_crates for s in found.stops)
    assert StockReport.objects.filter(member__loop=loop).count() == 35

    counts = (ContainerLoop.objects.count(), StockReport.objects.count())
    assert load_loops_demo() == 0
    assert (ContainerLoop.objects.count(), StockReport.objects.count()) == counts
    assert time.perf_counter() - started < 120

    # demo-001's member reports its counter's stock, but the round (every shop's stock) is the
    # hub's: the coordinator reads it, a shop and a visitor do not.
    client.force_login(User.objects.get(username="membre-atelier"))
    page = client.get(reverse("symbiosis:loop", args=[SLUG]))
    assert b'id="stock-form"' in page.content
    assert client.get(reverse("symbiosis:loop_round", args=[SLUG, found.pk])).status_code == 404
    client.force_login(User.objects.get(username="coordination"))
    assert client.get(reverse("symbiosis:loop_round", args=[SLUG, found.pk])).status_code == 200
    client.force_login(User.objects.get(username="visiteur"))
    assert client.get(reverse("symbiosis:loop_round", args=[SLUG, found.pk])).status_code == 404
