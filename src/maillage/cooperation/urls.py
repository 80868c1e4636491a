"""Every cooperation page (`cooperation:`): the network, events, projects, funding, skills."""

from django.urls import path

from maillage.cooperation.views import funding, network

app_name = "cooperation"

urlpatterns: list = [
    # --- the network and its governance: members by college, bodies, documents, decisions ---
    path("network/", network.network, name="network"),
    #
    # --- events and meetings: registration, iCalendar feed ---
    #
    # --- collective projects: portfolio, pages, map, needs, milestones ---
    #
    # --- funding: plans, pledge campaigns, matching rules, the fund's dashboard ---
    path("projects/<slug:slug>/funding/", funding.funding, name="funding"),
    path("projects/<slug:slug>/funding/lines/new/", funding.line_new, name="funding_line_new"),
    path("projects/<slug:slug>/funding/lines/<int:pk>/", funding.line_edit, name="funding_line"),
    path(
        "projects/<slug:slug>/funding/campaign/new/",
        funding.campaign_new,
        name="funding_campaign_new",
    ),
    path("projects/<slug:slug>/funding/rules/new/", funding.rule_new, name="funding_rule_new"),
    path(
        "projects/<slug:slug>/funding/pledges/<int:pk>/cancel/",
        funding.pledge_cancel,
        name="funding_pledge_cancel",
    ),
    path(
        "projects/<slug:slug>/funding/pledges/<int:pk>/confirm/",
        funding.pledge_confirm,
        name="funding_pledge_confirm",
    ),
    path("fund/", funding.fund, name="fund"),
    #
    # --- skills and the trainings catalogue ---
]
