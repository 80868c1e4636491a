"""Every cooperation page (`cooperation:`): the network, events, projects, funding, skills."""

from django.urls import path

from maillage.cooperation.views import events, governance, network

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
    #
    # --- funding: plans, pledge campaigns, matching rules, the fund's dashboard ---
    #
    # --- skills and the trainings catalogue ---
]
