"""Builds: an organisation made (or adapted) a design, with its variations and photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.core.storage import private_storage
from maillage.designs.models.designs import Design
from maillage.directory.models import Organisation

__all__ = ["Build", "BuildPhoto"]


class Build(models.Model):
    """One build of a design by an organisation, so that the next one finds who made it where."""

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="builds")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("built by"),
        on_delete=models.CASCADE,
        related_name="design_builds",
    )
    title = models.CharField(_("title"), max_length=200)
    built_on = models.DateField(_("built on"))
    description = models.TextField(_("description"), blank=True)
    variations = models.TextField(_("variations and adaptations"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-built_on", "-pk"]
        verbose_name = _("build")
        verbose_name_plural = _("builds")
        indexes = [models.Index(fields=["design", "is_public"], name="designs_build_design")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("designs:build", args=[self.design.slug, self.pk])


class BuildPhoto(models.Model):
    """A photo of a build (JPEG, PNG or WebP, checked by its first bytes on upload).

    Kept in the private storage under a random name: a private build's photos are read only
    through the build's page check (`designs:build_photo`), never served by the web server."""

    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="builds/%Y/%m/", storage=private_storage)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo of a build")
        verbose_name_plural = _("photos of builds")

    def __str__(self) -> str:
        return self.caption or self.image.name or ""

    def get_absolute_url(self) -> str:
        """The photo through the view that checks the build is visible to the reader."""
        return reverse("designs:build_photo", args=[self.build.design.slug, self.build_id, self.pk])
