"""Impact tables by topic: the factor table and the machines' impact records."""

from maillage.impact.models.factors import *  # noqa: F403
from maillage.impact.models.machines import *  # noqa: F403
