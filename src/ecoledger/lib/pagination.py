"""Pagination that stays fast on a million-row ledger.

An exact ``COUNT(*)`` over a large filtered set costs time proportional to the
set; the ledger counts exactly up to ``LIST_COUNT_CAP`` rows and says "at
least that many" beyond, the way large issue trackers do. Dashboard figures
come from maintained tallies, not from these counts.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        cap = settings.LIST_COUNT_CAP
        # Counting needs no order: without it the database need not sort what it counts.
        return self.object_list.order_by()[: cap + 1].count()

    @property
    def count_is_exact(self) -> bool:
        return self.count <= settings.LIST_COUNT_CAP


class CappedPageNumberPagination(PageNumberPagination):
    django_paginator_class = CappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data: Any) -> Response:
        paginator = self.page.paginator
        exact = paginator.count_is_exact
        return Response(
            OrderedDict(
                [
                    ("count", min(paginator.count, settings.LIST_COUNT_CAP)),
                    ("count_is_exact", exact),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_is_exact"] = {"type": "boolean"}
        return response
