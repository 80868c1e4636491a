"""Where private uploads go: outside MEDIA_ROOT, so the web server that serves the public media
never serves them; only a view that checks who may read them does."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under `PRIVATE_MEDIA_ROOT`, with no URL: read them through a permission check."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(Path(settings.PRIVATE_MEDIA_ROOT))

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a view that checks access.")


def private_storage() -> PrivateStorage:
    """The storage of private uploads; it reads PRIVATE_MEDIA_ROOT at each use."""
    return PrivateStorage()
