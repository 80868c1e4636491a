from typing import Any

from django.apps import AppConfig
from django.db.models.signals import pre_save


def _no_history_for_loaded_rows(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    """`loaddata` restores history rows as they were: it must not add new ones.

    simple_history skips raw saves but not the many-to-many `set()` that `loaddata` does right
    after (a machine's processes): without this flag each restored machine gained a spurious
    history row, and on PostgreSQL the restore stopped on a duplicate key.
    """
    if raw and hasattr(sender._meta, "simple_history_manager_attribute"):
        instance.skip_history_when_saving = True


class CoreConfig(AppConfig):
    name = "maillage.core"
    label = "core"

    def ready(self) -> None:
        pre_save.connect(_no_history_for_loaded_rows, dispatch_uid="maillage-no-history-on-load")
