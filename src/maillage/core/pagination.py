"""The one pagination of the API: limit/offset, bounded so no request reads a whole table."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """`limit` above API_MAX_PAGE_SIZE or `offset` above API_MAX_OFFSET is a 422 naming it."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=settings.API_MAX_PAGE_SIZE,
            description=f"Items per page, 1 to {settings.API_MAX_PAGE_SIZE}",
        )
        offset: int = Field(
            0,
            ge=0,
            le=settings.API_MAX_OFFSET,
            description=f"Items to skip, 0 to {settings.API_MAX_OFFSET}",
        )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=settings.API_MAX_PAGE_SIZE, **kwargs)
