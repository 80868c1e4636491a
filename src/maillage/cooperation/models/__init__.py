"""Cooperation tables by topic: the network and its governance, projects, funding, skills."""

from maillage.cooperation.models.events import *  # noqa: F403
from maillage.cooperation.models.funding import *  # noqa: F403
from maillage.cooperation.models.governance import *  # noqa: F403
from maillage.cooperation.models.network import *  # noqa: F403
from maillage.cooperation.models.projects import *  # noqa: F403
from maillage.cooperation.models.skills import *  # noqa: F403
