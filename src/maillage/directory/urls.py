from django.urls import include, path

from maillage.directory import views

app_name = "directory"

# An organisation's own pages, under o/<slug>/.
organisation_patterns = [
    path("", views.organisation_detail, name="organisation"),
    path("edit/", views.organisation_edit, name="organisation_edit"),
    path("sites/new/", views.site_edit, name="site_add"),
    path("sites/<int:site_id>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:site_id>/delete/", views.site_delete, name="site_delete"),
    path("members/", views.members, name="members"),
    path("members/<int:membership_id>/", views.membership_decide, name="membership_decide"),
    path("members/<int:membership_id>/role/", views.membership_role, name="membership_role"),
    path("join/", views.join, name="join"),
]

urlpatterns = [
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("o/<slug:slug>/", include(organisation_patterns)),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("me/", views.my_organisations, name="my_organisations"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<slug:slug>/", views.moderate, name="moderate"),
    path("accounts/signup/", views.signup, name="signup"),
    path("health/", views.health, name="health"),
]
