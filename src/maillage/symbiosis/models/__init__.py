"""Symbiosis tables by topic: declarations, synergies, waste heat, container loops."""

from maillage.symbiosis.models.heat import *  # noqa: F403
from maillage.symbiosis.models.loops import *  # noqa: F403
from maillage.symbiosis.models.resources import *  # noqa: F403
from maillage.symbiosis.models.synergies import *  # noqa: F403
