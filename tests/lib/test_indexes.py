"""The readings' arrival-time index: BRIN on PostgreSQL, a B-tree elsewhere, and used
either way by the alert jobs' queries over recent arrivals."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


_DEFINITION = {
    "postgresql": "SELECT indexdef FROM pg_indexes WHERE indexname = 'reading_received_at'",
    "sqlite": "SELECT sql FROM sqlite_master WHERE name = 'reading_received_at'",
}


def _index_definition() -> str:
    with connection.cursor() as cursor:
        cursor.execute(_DEFINITION[connection.vendor])
        return cursor.fetchone()[0]


def test_the_arrival_index_is_brin_on_postgresql_and_a_btree_elsewhere():
    definition = _index_definition()
    assert "received_at" in definition
    assert ("USING brin" in definition) == (connection.vendor == "postgresql")


def test_latest_readings_leave_room_for_in_place_updates_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL storage parameter")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'monitoring_latestreading'")
        assert cursor.fetchone()[0] == ["fillfactor=40"]
