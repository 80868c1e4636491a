"""The demo's heat: the Issoire-like foundry reproduces the issue's figures, the bakery is below
the threshold and its page says why, the data room needs a heat pump; loading twice adds none."""

import pytest
from django.test import Client
from django.urls import reverse

from maillage.demo.directory import load_directory_demo
from maillage.demo.symbiosis_heat import load_heat_demo
from maillage.directory.models import User
from maillage.symbiosis import heat
from maillage.symbiosis.models import HeatDeclaration, HeatStudy
from maillage.symbiosis.queries.heat import study_figures


@pytest.mark.django_db
def test_the_heat_demo_reproduces_issoire_and_loads_once():
    load_directory_demo()
    assert load_heat_demo() == 6
    assert load_heat_demo() == 0
    assert HeatDeclaration.objects.count() == 6 and HeatStudy.objects.count() == 3
    coordination = User.objects.get(username="coordination")
    figures = {
        study.name: study_figures(coordination, study, "page", "/").result
        for study in HeatStudy.objects.all()
    }
    [issoire] = [r for name, r in figures.items() if "Issoire" in name]
    assert round(issoire.density_mwh_per_m, 1) == 2.8 and issoire.verdict == "viable"
    assert issoire.delivered_mwh == pytest.approx(25_000)
    assert issoire.losses_share < 0.10
    assert issoire.co2_avoided_t == pytest.approx(4_900, rel=0.15)
    [bakery] = [r for name, r in figures.items() if "boulangerie" in name]
    assert bakery.verdict == "below_threshold"
    [room] = [r for name, r in figures.items() if "serveurs" in name]
    assert room.temperature.mode == heat.HEAT_PUMP

    client = Client()
    client.force_login(User.objects.get(username="admin-atelier"))
    study = HeatStudy.objects.get(name__contains="boulangerie")
    page = client.get(reverse("symbiosis:heat_study", args=[study.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sous le seuil de l’ADEME" in text and "atteindrait le seuil" in text
