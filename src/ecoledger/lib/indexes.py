"""Indexes whose best kind depends on the database."""

from __future__ import annotations

from typing import Any

from django.db import models


class ArrivalOrderIndex(models.Index):
    """An index on a column that grows with the table's physical order (a time of arrival).

    On PostgreSQL it is a BRIN index: one summary per range of blocks instead of one
    entry per row, so the receiver's inserts do not pay for a B-tree, and a range
    query still skips every block outside it. Elsewhere it is the usual B-tree.
    """

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor == "postgresql":
            using = " USING brin"
        return super().create_sql(model, schema_editor, using=using, **kwargs)
