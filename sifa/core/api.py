"""Shared API pieces: page pagination and the actor of an API request."""


from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from sifa.core.accounts.actor import Actor


def actor_of(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class PagePagination(PaginationBase):
    """``?page=1&page_size=50`` → ``{items, count, page, page_size}`` (page_size ≤ 200)."""

    class Input(Schema):
        page: int = Field(1, ge=1, description="页码，从 1 开始")
        page_size: int = Field(50, ge=1, le=200, description="每页条数（最多 200）")

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    items_attribute = "items"

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, **params: Any) -> dict[str, Any]:  # type: ignore[override]
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[offset: offset + pagination.page_size]),
            "count": queryset.count(),
            "page": pagination.page,
            "page_size": pagination.page_size,
        }
