"""Frozen reports: the file and the figures stored with their hashes, and the differences a
later report states about an earlier period."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ecoledger.audit.models import Event
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.reports import archive
from ecoledger.reports.models import Report

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _store(city, figures, *, kind="weekly", scope_key="city", end=date(2026, 11, 29),
           when=datetime(2026, 11, 30, 8, tzinfo=SHANGHAI), content=b"report"):
    with clock.frozen_at(when):
        return archive.store_report(
            kind, acting_user=city.supervisor, title=f"Briefing {when:%m-%d}",
            scope_key=scope_key, period_start=end - timedelta(days=6), period_end=end,
            figures=figures, content=content, file_name="briefing.docx",
            content_type="application/octet-stream")


def test_a_report_keeps_its_file_and_figures_with_their_hashes_and_an_audit_event(city):
    figures = {"periods": {"2026-W48": {"new": 5}}, "scope": {"name": "南京市"}}

    report = _store(city, figures)

    assert report.file.read() == b"report"
    assert report.file_sha256 == hashlib.sha256(b"report").hexdigest()
    assert report.figures == figures
    canonical = '{"periods":{"2026-W48":{"new":5}},"scope":{"name":"南京市"}}'.encode()
    assert report.figures_sha256 == hashlib.sha256(canonical).hexdigest()
    assert report.differences == []
    event = Event.objects.get(action="reports.report.stored")
    assert (event.target_id, event.actor_id) == (str(report.pk), city.supervisor.pk)


def test_the_same_figures_hash_alike_whatever_the_order_of_their_keys():
    assert archive.figures_digest({"a": 1, "b": {"c": 2, "d": 3}}) == archive.figures_digest(
        {"b": {"d": 3, "c": 2}, "a": 1})


def test_a_later_report_that_restates_an_earlier_period_lists_the_difference(city):
    first = _store(city, {"periods": {"2026-W48": {"new": 5, "closed": 2,
                                                   "districts": {"玄武区": {"new": 3}}}}})
    later = _store(city, {"periods": {"2026-W48": {"new": 6, "closed": 2,
                                                   "districts": {"玄武区": {"new": 4}}},
                                      "2026-W49": {"new": 1}}},
                   end=date(2026, 12, 6), when=datetime(2026, 12, 7, 8, tzinfo=SHANGHAI))

    assert [(d["period"], d["figure"], d["before"], d["after"], d["report"])
            for d in later.differences] == [
        ("2026-W48", "districts/玄武区/new", 3, 4, first.pk),
        ("2026-W48", "new", 5, 6, first.pk),
    ]


def test_the_difference_is_against_the_last_report_that_stated_the_figure(city):
    _store(city, {"periods": {"2026-W48": {"new": 5}}})
    second = _store(city, {"periods": {"2026-W48": {"new": 6}}},
                    when=datetime(2026, 12, 1, 8, tzinfo=SHANGHAI))
    _store(city, {"periods": {"2026-W49": {"new": 1}}}, end=date(2026, 12, 6),
           when=datetime(2026, 12, 2, 8, tzinfo=SHANGHAI))

    third = _store(city, {"periods": {"2026-W48": {"new": 7}}},
                   when=datetime(2026, 12, 3, 8, tzinfo=SHANGHAI))

    assert [(d["before"], d["after"], d["report"]) for d in third.differences] == [
        (6, 7, second.pk)]


def test_other_scopes_and_kinds_are_not_compared(city):
    _store(city, {"periods": {"2026-W48": {"new": 5}}}, scope_key="region:320102")
    _store(city, {"periods": {"2026-W48": {"new": 9}}}, kind="monthly")

    report = _store(city, {"periods": {"2026-W48": {"new": 6}}},
                    when=datetime(2026, 12, 1, tzinfo=SHANGHAI))

    assert report.differences == []


def test_a_companion_file_with_the_same_figures_states_the_same_differences(city):
    _store(city, {"periods": {"2026-W48": {"new": 5}}})
    figures = {"periods": {"2026-W48": {"new": 6}}}
    docx = _store(city, figures, when=datetime(2026, 12, 1, tzinfo=SHANGHAI))

    pdf = _store(city, figures, when=datetime(2026, 12, 1, tzinfo=SHANGHAI), content=b"%PDF")

    assert pdf.differences == docx.differences != []


def test_periods_are_weeks_months_or_ranges_of_days():
    assert archive.period_bounds("2026-W49") == (date(2026, 11, 30), date(2026, 12, 6))
    assert archive.period_bounds("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert archive.period_bounds("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
    assert archive.period_bounds("2026-11-01/2026-11-15") == (date(2026, 11, 1),
                                                               date(2026, 11, 15))
    with pytest.raises(InvalidInput):
        archive.period_bounds("last week")


def test_figures_that_are_not_plain_json_are_refused_and_nothing_is_stored(city):
    with pytest.raises(InvalidInput):
        _store(city, {"periods": {"2026-W48": {"when": date(2026, 11, 30)}}})

    assert not Report.objects.exists()
    assert not Event.objects.filter(action="reports.report.stored").exists()
