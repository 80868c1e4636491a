"""Every cooperation page (`cooperation:`): the network, events, projects, funding, skills."""

from django.urls import path

from maillage.cooperation.views import catalogue, network, skills

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
    path("skills/", skills.search, name="skills"),
    path("skills/mine/", skills.mine, name="skills_mine"),
    path("skills/mine/consent/", skills.consent, name="skills_consent"),
    path("skills/mine/<int:skill_id>/", skills.edit, name="skills_edit"),
    path("skills/mine/<int:skill_id>/delete/", skills.delete, name="skills_delete"),
    path("trainings/catalogue/", catalogue.catalogue, name="trainings_catalogue"),
    path("trainings/catalogue/<int:session_id>/book/", catalogue.book, name="trainings_book"),
    path("trainings/catalogue/<int:session_id>/cancel/", catalogue.cancel, name="trainings_cancel"),
]
