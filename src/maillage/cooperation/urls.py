"""Every cooperation page (`cooperation:`): the network, events, projects, funding, skills."""

from django.urls import path

from maillage.cooperation.views import network

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
    #
    # --- skills and the trainings catalogue ---
]
