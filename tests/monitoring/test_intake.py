"""From frames to readings and quarantine: attribution, authentication, quirks, answers."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ecoledger.lib import clock
from ecoledger.monitoring.hj212 import build_packet
from ecoledger.monitoring.hj212.fastpath import scan_fast
from ecoledger.monitoring.ingest import hj212_intake
from ecoledger.monitoring.ingest.directory import PointDirectory
from ecoledger.monitoring.ingest.hj212_intake import Hj212Intake, Taken
from ecoledger.monitoring.ingest.rows import ReadingRow
from ecoledger.monitoring.ingest.store import store_batch
from ecoledger.monitoring.models import LatestReading, Parameter, Quarantine, Reading
from tests.monitoring.factories import EXAMPLE_MN, EXAMPLES, make_point

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
REALTIME, ANSWER, HOURLY = EXAMPLES[1], EXAMPLES[2], EXAMPLES[3]


@pytest.fixture
def intake(city) -> Hj212Intake:
    make_point(city.towns[0][0])
    directory = PointDirectory()
    directory.load()
    return Hj212Intake(directory)


def _take(intake: Hj212Intake, *frames: bytes) -> Taken:
    taken = Taken()
    for frame in frames:
        intake.take(frame, "10.0.0.7:5000", clock.now(), taken)
    return taken


def test_real_time_data_become_readings_and_the_answer_is_the_standards(intake):
    taken = _take(intake, REALTIME)

    so2 = next(r for r in taken.readings if r.parameter_id == Parameter.objects.get(
        code="a21026").pk)
    assert len(taken.readings) == 6
    assert (so2.data_type, so2.value, so2.converted, so2.flag) == ("rtd", 35.2, 40.1, "N")
    assert so2.observed_at == datetime(2024, 6, 1, 8, 58, tzinfo=SHANGHAI)
    assert taken.answers == [ANSWER]
    assert taken.quarantined == []


def test_hourly_data_keep_min_max_and_amount(intake):
    taken = _take(intake, HOURLY)

    cod = next(r for r in taken.readings if r.parameter_id == Parameter.objects.get(
        code="w01018").pk)
    assert (cod.data_type, cod.value, cod.minimum, cod.maximum, cod.cumulative) == (
        "hour", 40.1, 38.2, 42.0, 2.52)


def test_a_wrong_password_is_quarantined_not_stored(intake):
    frame = REALTIME.replace(b"PW=123456", b"PW=654321")
    frame = build_packet(st="31", cn="2011", pw="654321", mn=EXAMPLE_MN,
                         qn="20240601085857223", flag=5,
                         cp="DataTime=20240601085800;a21026-Rtd=35.2,a21026-Flag=N")

    taken = _take(intake, frame)

    assert taken.readings == [] and taken.answers == []
    assert [(q.reason, q.mn, q.raw) for q in taken.quarantined] == [
        ("wrong_password", EXAMPLE_MN, frame)]


def test_an_unknown_device_is_quarantined_with_its_mn(intake):
    frame = build_packet(st="31", cn="2011", pw="123456", mn="88888888888888888888FFFF",
                         qn="20240601085857223", flag=5,
                         cp="DataTime=20240601085800;a21026-Rtd=35.2,a21026-Flag=N")

    taken = _take(intake, frame)

    assert [(q.reason, q.mn) for q in taken.quarantined] == [
        ("unknown_mn", "88888888888888888888FFFF")]


def test_a_bad_crc_is_quarantined_with_the_raw_bytes(intake):
    frame = REALTIME.replace(b"F281\r\n", b"F282\r\n")

    taken = _take(intake, frame)

    assert [(q.reason, q.raw) for q in taken.quarantined] == [("bad_crc", frame)]
    assert "F282" in taken.quarantined[0].detail or "crc" in taken.quarantined[0].detail.lower()


def test_a_quirk_is_refused_unless_the_point_tolerates_it_and_then_counted(city):
    point = make_point(city.towns[0][0])
    lower = REALTIME.replace(b"F281\r\n", b"f281\r\n")
    directory = PointDirectory()
    directory.load()

    refused = _take(Hj212Intake(directory), lower)
    point.allowed_quirks = ["lowercase_crc"]
    point.save()
    directory.load()
    accepted = _take(Hj212Intake(directory), lower)

    assert [q.reason for q in refused.quarantined] == ["quirk_not_allowed"]
    assert len(accepted.readings) == 6
    assert accepted.counts["quirk:lowercase_crc"] == 1


def test_each_part_of_a_split_packet_is_stored_and_answered(intake):
    taken = _take(intake, EXAMPLES[4])

    assert len(taken.readings) == 1
    assert len(taken.answers) == 1


def test_commands_that_carry_nothing_to_store_are_kept_in_quarantine(intake):
    log_packet = EXAMPLES[5]

    taken = _take(intake, log_packet)

    assert [q.reason for q in taken.quarantined] == ["not_stored_command"]


def test_storing_twice_creates_nothing_new(intake):
    taken = _take(intake, REALTIME, HOURLY)

    first = store_batch(taken.readings, taken.quarantined, received_at=clock.now())
    again = store_batch(taken.readings, taken.quarantined, received_at=clock.now())

    assert (first.readings, first.inserted) == (9, 9)
    assert (again.readings, again.inserted) == (9, 0)
    assert Reading.objects.count() == 9


def test_quarantine_keeps_the_bytes_the_peer_and_the_reason(intake):
    frame = REALTIME.replace(b"F281\r\n", b"0000\r\n")
    taken = _take(intake, frame)

    store_batch([], taken.quarantined, received_at=clock.now())

    kept = Quarantine.objects.get()
    assert (bytes(kept.raw), kept.peer, kept.reason, kept.transport) == (
        frame, "10.0.0.7:5000", "bad_crc", "tcp")


def test_the_latest_value_follows_the_newest_time_not_the_arrival_order(intake):
    newer = _take(intake, HOURLY)  # 2024-06-01 08:00
    older = _take(intake, EXAMPLES[4])  # 2016-08-01 08:00, flow only
    store_batch(newer.readings, [], received_at=clock.now())
    store_batch(older.readings, [], received_at=clock.now())

    flow = LatestReading.objects.get(parameter__code="w00000")
    assert (flow.value, flow.observed_at.year) == (17.5, 2024)
    assert LatestReading.objects.count() == 3


def _upload(cp: str, *, cn: str = "2051") -> bytes:
    return build_packet(st="31", cn=cn, pw="123456", mn=EXAMPLE_MN, qn="20240601090000001",
                        flag=5, cp=cp)


ORDINARY_UPLOADS = [
    REALTIME,
    HOURLY,
    EXAMPLES[4],
    _upload("DataTime=20240601090000;a21026-Min=1.0,a21026-Avg=-0.50,a21026-Max=2,"
            "a21026-ZsAvg=.75,a21026-Flag=D;a19001-Avg=20.9;x99999-Avg=1.0,x99999-Flag=N"),
    _upload("DataTime=20240601090000;a21026-Rtd=1.5,a21026-ZsRtd=1.6", cn="2011"),
    _upload("DataTime=20240601090000;a21026-Cou=1.5,a21026-Flag=N", cn="2031"),
    _upload("DataTime=20990601090000;a21026-Avg=1.5"),
]


@pytest.mark.parametrize("frame", ORDINARY_UPLOADS)
def test_an_ordinary_upload_is_taken_as_the_careful_parser_would_take_it(
    intake, monkeypatch, frame
):
    assert scan_fast(frame) is not None
    now = clock.now()
    fast = Taken()
    intake.take(frame, "10.0.0.7:5000", now, fast)
    monkeypatch.setattr(hj212_intake, "scan_fast", lambda frame: None)
    careful = Taken()
    intake.take(frame, "10.0.0.7:5000", now, careful)

    assert fast == careful
    assert all(type(row.value) is float for row in fast.readings)


def test_a_batch_of_thousands_is_stored_once_however_it_is_cut(intake):
    point, pm25 = intake.directory.find(EXAMPLE_MN).id, Parameter.objects.get(code="a34004").pk
    start = datetime(2024, 6, 1, tzinfo=SHANGHAI)
    rows = [ReadingRow(point, pm25, "min", start + timedelta(minutes=m), float(m))
            for m in range(1234)]

    first = store_batch(rows, [], received_at=clock.now())
    again = store_batch(rows[::-1], [], received_at=clock.now())

    assert (first.inserted, again.inserted) == (1234, 0)
    assert Reading.objects.count() == 1234
    latest = LatestReading.objects.get()
    assert (latest.value, latest.observed_at) == (1233.0, start + timedelta(minutes=1233))


def test_of_equal_times_in_a_batch_the_first_is_stored_and_is_the_latest(intake):
    point, pm25 = intake.directory.find(EXAMPLE_MN).id, Parameter.objects.get(code="a34004").pk
    moment = datetime(2024, 6, 1, 8, tzinfo=SHANGHAI)
    rows = [ReadingRow(point, pm25, "min", moment, value) for value in (1.0, 2.0, 3.0)]

    result = store_batch(rows, [], received_at=clock.now())

    assert result.inserted == 1
    assert Reading.objects.get().value == 1.0
    assert LatestReading.objects.get().value == 1.0
