"""Maintenance tables by topic: plans and usage, breakdowns, passport and second life."""

from maillage.maintenance.models.breakdowns import *  # noqa: F403
from maillage.maintenance.models.passport import *  # noqa: F403
from maillage.maintenance.models.plans import *  # noqa: F403
