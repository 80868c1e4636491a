"""The funding page, the project page's panel, the fund's dashboard: who sees what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from maillage.cooperation.models import (
    Campaign,
    CampaignRule,
    FundingLine,
    Pledge,
    PledgeState,
    Project,
)
from maillage.cooperation.tests.funding_world import add_pledge, english, fworld

__all__ = ["english", "fworld"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/projects/decoupe-test/funding/"


def _lines(fworld: Any) -> None:
    FundingLine.objects.create(
        project=fworld["public"],
        kind="grant",
        funder_name="Région Sud",
        amount=D("30000"),
        status="committed",
        disbursed=D("12000"),
    )
    FundingLine.objects.create(
        project=fworld["public"],
        kind="loan",
        funder_name="Banque des Territoires",
        amount=D("20000.50"),
    )


def test_the_public_page_shows_plan_campaign_rule_and_pledgers(client: Any, fworld: Any) -> None:
    _lines(fworld)
    add_pledge(
        fworld["campaign"], fworld["cit"], "100", PledgeState.CONFIRMED, display_name="Camille R."
    )
    add_pledge(
        fworld["campaign"],
        fworld["zoe"],
        "40",
        PledgeState.CONFIRMED,
        anonymous=True,
        display_name="Zoé Secret",
    )
    add_pledge(fworld["campaign"], fworld["max"], "60")
    add_pledge(fworld["campaign"], fworld["out"], "999", PledgeState.CANCELLED, display_name="Gone")
    page = client.get(URL).content.decode()
    assert "Région Sud" in page and "Banque des Territoires" in page
    assert "50,000.50 €" in page  # the plan's total
    assert "29,999.50 €" in page  # still to find against the 80,000 € budget
    assert "La Région adds 1 € per euro pledged, up to 300 €, citizens&#x27; pledges only." in page
    assert "Camille R." in page and "Anonymous" in page and "Zoé Secret" not in page
    assert "Gone" not in page
    # 140 confirmed + 140 matched = 280 of 1,000; 60 promised shown apart.
    assert 'data-total="280.00"' in page and "(28 %)" in page
    assert "60 € promised, awaiting confirmation" in page
    assert "Pledges to confirm" not in page
    assert "Sign in to pledge" in page


def test_a_coordinator_sees_the_pledges_to_confirm_and_confirms(client: Any, fworld: Any) -> None:
    found = add_pledge(fworld["campaign"], fworld["cit"], "25")
    client.force_login(fworld["coordinator"])
    page = client.get(URL).content.decode()
    assert "Pledges to confirm" in page and "cit@example.org" in page
    response = client.post(f"{URL}pledges/{found.pk}/confirm/")
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.state == PledgeState.CONFIRMED


def test_a_non_coordinator_cannot_confirm(client: Any, fworld: Any) -> None:
    found = add_pledge(fworld["campaign"], fworld["cit"], "25")
    client.force_login(fworld["lea"])
    client.post(f"{URL}pledges/{found.pk}/confirm/")
    found.refresh_from_db()
    assert found.state == PledgeState.PROMISED


def test_pledging_on_the_page(client: Any, fworld: Any) -> None:
    client.force_login(fworld["cit"])
    response = client.post(URL, {"amount": "-5", "display_name": ""})
    assert response.status_code == 200
    assert "The amount must be more than 0 €." in response.content.decode()
    assert not Pledge.objects.exists()
    response = client.post(URL, {"amount": "12,50", "anonymous": "on"})
    assert response.status_code == 302
    found = Pledge.objects.get()
    assert found.amount == D("12.50") and found.anonymous and found.user == fworld["cit"]
    page = client.get(URL).content.decode()
    assert "12.50 €" in page and "Cancel" in page
    client.post(f"{URL}pledges/{found.pk}/cancel/")
    found.refresh_from_db()
    assert found.state == PledgeState.CANCELLED


def test_anonymous_visitors_are_sent_to_sign_in_to_pledge(client: Any, fworld: Any) -> None:
    response = client.post(URL, {"amount": "10"})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not Pledge.objects.exists()


def test_a_private_project_funding_shows_only_to_its_lead_and_coordinators(
    client: Any, fworld: Any
) -> None:
    url = "/projects/secret-test/funding/"
    assert client.get(url).status_code == 404
    client.force_login(fworld["zoe"])
    assert client.get(url).status_code == 404
    client.force_login(fworld["max"])
    assert client.get(url).status_code == 200
    client.force_login(fworld["coordinator"])
    assert client.get(url).status_code == 200


def test_editors_add_lines_and_campaigns_others_cannot(client: Any, fworld: Any) -> None:
    client.force_login(fworld["max"])
    assert client.get("/projects/secret-test/funding/lines/new/").status_code == 403
    client.force_login(fworld["lea"])
    response = client.post(
        "/projects/secret-test/funding/lines/new/",
        {
            "kind": "own_funds",
            "funder_name": "Atelier Partagé",
            "amount": "2000",
            "status": "committed",
            "disbursed": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert fworld["private"].funding_lines.get().amount == D("2000.00")
    past = (fworld["today"] - dt.timedelta(days=1)).isoformat()
    response = client.post(
        "/projects/secret-test/funding/campaign/new/",
        {"goal": "500", "deadline": past, "rule": "keep"},
    )
    assert response.status_code == 200
    assert "The deadline must be in the future." in response.content.decode()
    assert not Campaign.objects.filter(project=fworld["private"]).exists()
    future = (fworld["today"] + dt.timedelta(days=30)).isoformat()
    response = client.post(
        "/projects/secret-test/funding/campaign/new/",
        {"goal": "500", "deadline": future, "rule": "keep"},
    )
    assert response.status_code == 302
    response = client.post(
        "/projects/secret-test/funding/rules/new/",
        {"funder_name": "ADEME", "ratio": "2", "cap": "1000", "per_pledge_cap": ""},
    )
    assert response.status_code == 302
    assert Campaign.objects.get(project=fworld["private"]).matching_rules.get().ratio == D("2")


def test_the_panel_on_the_project_page(rf: RequestFactory, fworld: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    add_pledge(fworld["campaign"], fworld["cit"], "250", PledgeState.CONFIRMED)
    template = Template('{% include "cooperation/_funding_panel.html" %}')
    request = rf.get("/")
    request.user = AnonymousUser()
    html = template.render(Context({"project": fworld["public"], "request": request}))
    assert "width: 50%" in html and URL in html
    html = template.render(Context({"project": fworld["private"], "request": request}))
    assert "funding-panel" not in html


def test_the_fund_dashboard_totals_for_all_details_for_coordinators(
    client: Any, fworld: Any
) -> None:
    _lines(fworld)
    FundingLine.objects.create(
        project=fworld["private"],
        kind="grant",
        funder_name="Secret",
        amount=D("5000"),
        status="committed",
    )
    add_pledge(fworld["campaign"], fworld["cit"], "100", PledgeState.CONFIRMED)
    page = client.get("/fund/").content.decode()
    assert "30,000 €" in page and "12,000 €" in page  # committed, disbursed: public only
    assert "35,000 €" not in page
    assert "Pooling means of production" in page and "13 Bouches-du-Rhône" in page
    assert 'id="fund-matched">100 €' in page
    assert "Pledges in detail" not in page and "cit" not in page.split("Pledge campaigns")[1]
    client.force_login(fworld["coordinator"])
    page = client.get("/fund/").content.decode()
    assert "35,000 €" in page and "Pledges in detail" in page and "Camille Roux" in page


def test_a_closed_campaign_takes_no_pledge_on_the_page(client: Any, fworld: Any) -> None:
    Campaign.objects.filter(pk=fworld["campaign"].pk).update(state="closed")
    client.force_login(fworld["cit"])
    page = client.get(URL).content.decode()
    assert 'id="pledge-form"' not in page
    response = client.post(URL, {"amount": "10"})
    assert "This campaign is closed." in response.content.decode()
    assert not Pledge.objects.exists()


def test_after_the_deadline_the_form_is_gone_before_the_nightly_close(
    client: Any, fworld: Any
) -> None:
    Campaign.objects.filter(pk=fworld["campaign"].pk).update(
        deadline=fworld["today"] - dt.timedelta(days=1), rule=CampaignRule.KEEP
    )
    client.force_login(fworld["cit"])
    assert 'id="pledge-form"' not in client.get(URL).content.decode()
    response = client.post(URL, {"amount": "10"})
    assert "The campaign&#x27;s deadline has passed." in response.content.decode()
    assert not Pledge.objects.exists()


def test_the_fund_reads_its_campaigns_in_a_fixed_number_of_queries(
    client: Any, fworld: Any
) -> None:
    """Each campaign's pledges come in one prefetch, not one query per campaign."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/fund/").status_code == 200
        return len(queries)

    add_pledge(fworld["campaign"], fworld["cit"], "40", state=PledgeState.CONFIRMED)
    before = count()
    for index in range(4):
        project = Project.objects.create(
            network=fworld["network"],
            slug=f"more-{index}",
            title=f"Projet {index}",
            lead=fworld["lead"],
            theme="recruit",
        )
        campaign = Campaign.objects.create(
            project=project,
            goal=D("500"),
            opens=fworld["today"],
            deadline=fworld["today"] + dt.timedelta(days=5),
            rule=CampaignRule.KEEP,
        )
        add_pledge(campaign, fworld["cit"], "25", state=PledgeState.CONFIRMED)
    assert count() == before


def test_the_fund_lists_open_campaigns_first_and_counts_them_all(fworld: Any) -> None:
    from maillage.cooperation.queries import funding as queries

    closed_project = Project.objects.create(
        network=fworld["network"], slug="closed-one", title="Fermé", lead=fworld["lead"]
    )
    Campaign.objects.create(
        project=closed_project,
        goal=D("100"),
        opens=fworld["today"] - dt.timedelta(days=40),
        deadline=fworld["today"] - dt.timedelta(days=10),
        rule=CampaignRule.KEEP,
        state="succeeded",
    )
    shown = queries.dashboard(fworld["coordinator"], campaign_rows=1)
    assert shown["campaign_count"] == 2
    assert [row["campaign"].pk for row in shown["campaigns"]] == [fworld["campaign"].pk]
