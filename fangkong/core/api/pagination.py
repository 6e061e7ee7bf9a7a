"""Every API list is paginated; clients may ask for up to 500 rows a page."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination as _PageNumberPagination


class PageNumberPagination(_PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        # Pages count from 1 and hold at most 500 rows; a page past the last answers 404.
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_query_param:
                param["schema"]["minimum"] = 1
            elif param["name"] == self.page_size_query_param:
                param["schema"].update(minimum=1, maximum=self.max_page_size)
        return params

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        # DRF writes OpenAPI 3.0's `nullable`; our schema is 3.1 (plain JSON Schema).
        out = super().get_paginated_response_schema(schema)
        for key in ("next", "previous"):
            prop = out["properties"][key]
            prop.pop("nullable", None)
            prop["type"] = ["string", "null"]
        return out
