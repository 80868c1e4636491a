"""The territory's overrides of the factor table; the shipped values live in `impact/data/`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["FactorOverride"]


class FactorOverride(models.Model):
    """A coordinator's value for a factor, as a new version; the highest version is in force.

    Rows are never edited or deleted: an old report names the versions it used and can be read
    again against them. Going back to the shipped value is a new version with that value.
    """

    key = models.CharField(_("factor"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=40)
    source = models.TextField(_("source"))
    year = models.PositiveSmallIntegerField(_("year of the source"))
    note = models.TextField(_("why it changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="impact_factor_key_version"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="impact_factor_v1"),
        ]
        verbose_name = _("factor override")
        verbose_name_plural = _("factor overrides")

    def __str__(self) -> str:
        return f"{self.key} v{self.version} = {self.value:g} {self.unit}"
