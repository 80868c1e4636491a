"""Design tables by topic: designs and their parts, builds."""

from maillage.designs.models.builds import *  # noqa: F403
from maillage.designs.models.designs import *  # noqa: F403
