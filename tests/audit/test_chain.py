"""The audit chain: append-only in the database, and tampering found by ``audit verify``."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from ecoledger.audit.guards import remove_guards
from ecoledger.audit.models import Event
from ecoledger.audit.services import verify_chain
from ecoledger.ledger.choices import Status
from tests.factories import make_city, make_problem
from tests.processes import ecoledger, process_env


def _history() -> list[Event]:
    city = make_city()
    make_problem(city, status=Status.CLOSED)
    return list(Event.objects.order_by("seq"))


def _raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.mark.django_db
def test_a_fresh_history_verifies():
    events = _history()

    checked, broken = verify_chain()

    assert (checked, broken) == (len(events), None)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET message = 'edited' WHERE seq = 2",
        "DELETE FROM audit_event WHERE seq = 2",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_event(statement):
    _history()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(statement)

    assert verify_chain()[1] is None


@pytest.mark.django_db
def test_the_orm_cannot_delete_events_either():
    _history()

    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(seq=1).delete()


@pytest.mark.django_db
def test_altering_a_row_is_found_and_named():
    events = _history()
    remove_guards(connection)
    _raw("UPDATE audit_event SET actor_name = 'someone else' WHERE seq = 3")

    checked, broken = verify_chain()

    assert checked == 2
    assert (broken.seq, broken.event_id) == (3, events[2].pk)
    assert "altered" in broken.reason


@pytest.mark.django_db
def test_removing_a_row_is_found_and_named():
    _history()
    remove_guards(connection)
    _raw("DELETE FROM audit_event WHERE seq = 4")

    checked, broken = verify_chain()

    assert checked == 3
    assert broken.seq == 5
    assert "removed" in broken.reason


@pytest.mark.django_db
def test_removing_the_last_rows_is_found_through_the_head():
    events = _history()
    remove_guards(connection)
    _raw("DELETE FROM audit_event WHERE seq = %s", [len(events)])

    checked, broken = verify_chain()

    assert checked == len(events) - 1
    assert "head" in broken.reason


@pytest.mark.django_db
def test_reordering_rows_is_found_and_named():
    _history()
    remove_guards(connection)
    # Swap the contents of events 2 and 3, hashes included, keeping their places.
    _raw("UPDATE audit_event SET seq = 1000000 WHERE seq = 2")
    _raw("UPDATE audit_event SET seq = 2 WHERE seq = 3")
    _raw("UPDATE audit_event SET seq = 3 WHERE seq = 1000000")

    checked, broken = verify_chain()

    assert checked == 1
    assert broken.seq == 2


@pytest.mark.django_db
def test_a_rehashed_forgery_still_breaks_the_link_to_the_next_event():
    from ecoledger.audit.chain import event_hash

    _history()
    remove_guards(connection)
    forged = Event.objects.filter(seq=2).values().get()
    forged["message"] = "nothing happened"
    new_hash = event_hash({**forged, "actor_id": forged["actor_id"]})
    _raw("UPDATE audit_event SET message = %s, hash = %s WHERE seq = 2",
         ["nothing happened", new_hash])

    broken = verify_chain()[1]

    assert broken.seq == 3
    assert "previous-hash" in broken.reason


@pytest.mark.django_db
def test_the_verify_command_exits_non_zero_naming_the_event():
    _history()
    remove_guards(connection)
    _raw("UPDATE audit_event SET message = 'x' WHERE seq = 2")

    with pytest.raises(CommandError) as error:
        call_command("audit", "verify")

    assert error.value.returncode == 1
    assert "event seq 2" in str(error.value)


@pytest.mark.slow
def test_ecoledger_audit_verify_as_a_process(committed_db, tmp_path):
    _history()
    env = process_env(tmp_path)

    intact = ecoledger("audit", "verify", env=env)
    remove_guards(connection)
    _raw("DELETE FROM audit_event WHERE seq = 2")
    broken = ecoledger("audit", "verify", env=env)

    assert intact.returncode == 0, intact.stderr
    assert "intact" in intact.stdout
    assert broken.returncode == 1
    assert "event seq 3" in broken.stderr

