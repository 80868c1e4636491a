from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualificationsConfig(AppConfig):
    name = "maillage.qualifications"
    label = "qualifications"
    verbose_name = _("Trainings and qualifications")
