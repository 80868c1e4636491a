"""Every cooperation page (`cooperation:`): the network, events, projects, funding, skills."""

from django.urls import path

from maillage.cooperation.views import (
    catalogue,
    events,
    funding,
    governance,
    network,
    project_parts,
    projects,
    skills,
)

app_name = "cooperation"

urlpatterns: list = [
    # --- the network and its governance: members by college, bodies, documents, decisions ---
    path("network/", network.network, name="network"),
    path("network/documents/<int:pk>/", network.document, name="document"),
    path("network/manage/", governance.manage, name="network_manage"),
    path("network/manage/members/<int:pk>/fee/", governance.member_fee, name="member_fee"),
    path("network/manage/members/<int:pk>/end/", governance.member_end, name="member_end"),
    path("network/manage/seats/<int:pk>/end/", governance.seat_end, name="seat_end"),
    path("network/decisions/<int:pk>/", governance.decision, name="decision"),
    path("network/decisions/<int:pk>/close/", governance.decision_close, name="decision_close"),
    #
    # --- events and meetings: registration, iCalendar feed ---
    path("network/events/", events.events, name="events"),
    path("network/events.ics", events.events_ics, name="events_ics"),
    path("network/events/<int:pk>/", events.event, name="event"),
    path("network/events/<int:pk>.ics", events.event_ics, name="event_ics"),
    path("network/events/<int:pk>/register/", events.register, name="event_register"),
    path("network/events/<int:pk>/cancel/", events.cancel, name="event_cancel"),
    #
    # --- collective projects: portfolio, pages, map, needs, milestones ---
    path("projects/", projects.project_list, name="projects"),
    path("projects/new/", projects.project_new, name="project_new"),
    path("projects/map/", projects.projects_map, name="projects_map"),
    path("projects.geojson", projects.projects_geojson, name="projects_geojson"),
    path("projects/from-needs/", projects.from_needs, name="projects_from_needs"),
    path("projects/<slug:slug>/", projects.project_detail, name="project"),
    path("projects/<slug:slug>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<slug:slug>/stage/", projects.project_stage, name="project_stage"),
    path("projects/<slug:slug>/partners/", project_parts.partner_add, name="partner_add"),
    path(
        "projects/<slug:slug>/partners/<int:partner_id>/remove/",
        project_parts.partner_remove,
        name="partner_remove",
    ),
    path("projects/<slug:slug>/needs/", project_parts.need_add, name="need_add"),
    path("projects/<slug:slug>/needs/<int:need_id>/met/", project_parts.need_met, name="need_met"),
    path(
        "projects/<slug:slug>/needs/<int:need_id>/remove/",
        project_parts.need_remove,
        name="need_remove",
    ),
    path("projects/<slug:slug>/milestones/", project_parts.milestone_add, name="milestone_add"),
    path(
        "projects/<slug:slug>/milestones/<int:milestone_id>/done/",
        project_parts.milestone_done,
        name="milestone_done",
    ),
    path(
        "projects/<slug:slug>/milestones/<int:milestone_id>/remove/",
        project_parts.milestone_remove,
        name="milestone_remove",
    ),
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
    path("skills/", skills.search, name="skills"),
    path("skills/mine/", skills.mine, name="skills_mine"),
    path("skills/mine/consent/", skills.consent, name="skills_consent"),
    path("skills/mine/<int:skill_id>/", skills.edit, name="skills_edit"),
    path("skills/mine/<int:skill_id>/delete/", skills.delete, name="skills_delete"),
    path("trainings/catalogue/", catalogue.catalogue, name="trainings_catalogue"),
    path("trainings/catalogue/<int:session_id>/book/", catalogue.book, name="trainings_book"),
    path("trainings/catalogue/<int:session_id>/cancel/", catalogue.cancel, name="trainings_cancel"),
]
