from django.urls import path

from maillage.directory import views

app_name = "directory"

urlpatterns = [
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("o/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("o/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("o/<slug:slug>/sites/new/", views.site_edit, name="site_add"),
    path("o/<slug:slug>/sites/<int:site_id>/edit/", views.site_edit, name="site_edit"),
    path("o/<slug:slug>/sites/<int:site_id>/delete/", views.site_delete, name="site_delete"),
    path("o/<slug:slug>/members/", views.members, name="members"),
    path(
        "o/<slug:slug>/members/<int:membership_id>/",
        views.membership_decide,
        name="membership_decide",
    ),
    path(
        "o/<slug:slug>/members/<int:membership_id>/role/",
        views.membership_role,
        name="membership_role",
    ),
    path("o/<slug:slug>/join/", views.join, name="join"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("me/", views.my_organisations, name="my_organisations"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<slug:slug>/", views.moderate, name="moderate"),
    path("accounts/signup/", views.signup, name="signup"),
    path("health/", views.health, name="health"),
]
