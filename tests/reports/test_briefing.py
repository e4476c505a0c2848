"""The weekly and monthly briefings: a valid Word document that says what the dashboard says
of the week, its PDF where LibreOffice is present, and the corrections to earlier briefings."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from docx.oxml.ns import qn

from ecoledger.ledger import services
from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Problem
from ecoledger.lib import clock
from ecoledger.org.choices import Role
from ecoledger.reports.briefing import pdf
from ecoledger.reports.briefing.fonts import cjk_font
from ecoledger.reports.briefing.services import generate_briefing
from ecoledger.reports.models import Report
from tests.factories import make_problem, make_user
from tests.reports.briefing_world import (
    MONDAY,
    NOW,
    at,
    ledger_history,
    read_docx,
    rows_of,
    table_after,
    text_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_libreoffice(monkeypatch):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)


def _dashboard(user) -> dict:
    """What the dashboard shows the user: its tiles, its table by district, map and flow."""
    client = Client()
    client.force_login(user)
    home = client.get(reverse("web:home"))
    regions = client.get(reverse("web:dashboard-regions")).json()
    return {
        "tiles": {str(label): n for label, n, _url, _tone in home.context["tiles"]},
        "by_status": home.context["figures"]["by_status"],
        "districts": {row["name"]: row for row in home.context["districts"]},
        "overdue": {f["properties"]["name"]: f["properties"]["overdue"]
                    for f in regions["features"] if f["properties"]["level"] == "district"},
        "weeks": client.get(reverse("web:dashboard-flow")).json()["weeks"],
    }


def test_the_weekly_briefing_says_what_the_dashboard_says_of_the_week(
        city, without_libreoffice):
    ledger_history(city)
    leader = make_user(Role.LEADER)
    with clock.frozen_at(NOW):
        shown = _dashboard(leader)
        briefing = generate_briefing("weekly", NOW.date(), acting_user=city.supervisor)

    document = read_docx(briefing.document.file.read())
    headline = dict(rows_of(table_after(document, "指标")))
    this_week = shown["weeks"][-1]
    assert this_week["start"] == MONDAY.isoformat()
    assert headline == {
        "本周新增问题": str(this_week["new"]), "本周办结问题": str(this_week["closed"]),
        "其中按期办结": "1", "按期办结率": "50.0%", "在办问题": str(shown["tiles"]["Open"]),
        "逾期问题": str(shown["tiles"]["Overdue"]),
        "待验收问题": str(shown["by_status"]["pending_acceptance"]),
        "本周反弹问题": "1", "累计反弹问题": str(shown["tiles"]["Rebounded"]),
    }
    assert (this_week["new"], this_week["closed"]) == (3, 2)
    overview = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert f"其中整改中{shown['by_status'].get('rectifying', 0)}个，" in overview
    districts = {row[0]: row for row in rows_of(table_after(document, "区县"))}
    assert set(districts) == set(shown["districts"]) == {"玄武区", "秦淮区"}
    for name, row in districts.items():
        dashboard_row = shown["districts"][name]
        assert row[1] == str(dashboard_row["total"]), name
        assert row[3] == str(shown["overdue"][name]), name
        assert row[4] == str(dashboard_row["by_status"].get("pending_acceptance", 0)), name
    series = briefing.document.figures["periods"]
    assert [(p["new"], p["closed"]) for p in series.values()] == [
        (week["new"], week["closed"]) for week in shown["weeks"]]


def test_the_document_is_a_proper_briefing(city, without_libreoffice):
    ledger = ledger_history(city)
    with clock.frozen_at(NOW):
        briefing = generate_briefing("weekly", NOW.date(), acting_user=city.supervisor)

    document = read_docx(briefing.document.file.read())
    text = text_of(document)
    assert document.paragraphs[0].text == "南京市生态环境问题整改工作周报"
    assert "2026年第49期" in text
    assert "统计时段：2026年11月30日至2026年12月6日" in text
    for heading in ("一、总体情况", "二、各区县情况", "三、各部门情况", "四、逾期问题清单",
                    "五、问题反弹情况", "六、新增问题来源", "七、环境质量状况",
                    "八、对此前通报数据的更正"):
        assert heading in text
    overdue = rows_of(table_after(document, "序号"))
    assert overdue == [["1", ledger.overdue.code, "河道排污口整治", "玄武区", "玄武区",
                        "2026-11-20", "12"]]
    origins = dict((row[0], row[1]) for row in rows_of(table_after(document, "问题来源")))
    assert origins == {"督察交办": "1", "群众投诉": "1", "在线监测": "1"}
    departments = rows_of(table_after(document, "部门"))
    assert departments[0][:2] == ["市住建局", "1"]
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in document.tables)
    assert len(document.inline_shapes) == (3 if cjk_font() else 0)  # no air data here
    footer = document.sections[0].footer.paragraphs[0].text
    assert briefing.document.figures_sha256 in footer and "生成时间：2026-12-02 10:00" in footer
    fonts = document.styles["Normal"].element.rPr.rFonts
    found = cjk_font()
    assert fonts.get(qn("w:eastAsia")) == (found.family if found else "SimSun")
    assert (round(document.sections[0].page_width.mm),
            round(document.sections[0].page_height.mm)) == (210, 297)


def test_the_rebounds_of_the_week_are_listed_with_their_reason(city, without_libreoffice):
    ledger = ledger_history(city)
    with clock.frozen_at(NOW):
        briefing = generate_briefing("weekly", NOW.date(), acting_user=None)

    document = read_docx(briefing.document.file.read())
    rows = [rows_of(t) for t in document.tables if t.rows[0].cells[-1].text == "累计反弹次数"]
    assert rows == [[["1", ledger.rebounded.code, "工地扬尘", "玄武区", "2026-11-30",
                      "夜间施工扬尘再次出现", "1"]]]


@pytest.mark.skipif(not pdf.available(),
                    reason="LibreOffice (soffice) is not installed: PDF is not offered")
def test_with_libreoffice_the_briefing_is_also_a_pdf(city):
    ledger_history(city)
    with clock.frozen_at(NOW):
        briefing = generate_briefing("weekly", NOW.date(), acting_user=city.supervisor)

    assert briefing.pdf is not None
    content = briefing.pdf.file.read()
    assert content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", content)) >= 1
    assert briefing.pdf.figures_sha256 == briefing.document.figures_sha256
    assert briefing.pdf.content_type == "application/pdf"


def test_without_libreoffice_there_is_no_pdf_and_the_page_says_so(city, without_libreoffice):
    ledger_history(city)
    client = Client()
    client.force_login(city.supervisor)
    with clock.frozen_at(NOW):
        briefing = generate_briefing("weekly", NOW.date(), acting_user=city.supervisor)
        page = client.get(reverse("reports:briefing-list")).content.decode()

    assert briefing.pdf is None
    assert not Report.objects.filter(content_type="application/pdf").exists()
    assert 'id="no-pdf"' in page


def test_a_later_briefing_that_counts_an_earlier_week_differently_prints_the_correction(
        city, without_libreoffice):
    ledger_history(city)
    with clock.frozen_at(at(MONDAY + timedelta(days=7), 8)):
        first = generate_briefing("weekly", MONDAY, acting_user=None)
    with clock.frozen_at(at(MONDAY + timedelta(days=3))):
        # Registered late, back-dated into the week already briefed (a spreadsheet import).
        make_problem(city, title="补录问题", origin="patrol")
    with clock.frozen_at(at(MONDAY + timedelta(days=14), 8)):
        later = generate_briefing("weekly", MONDAY + timedelta(days=7), acting_user=None)

    corrections = [(d["period"], d["figure"], d["before"], d["after"], d["report"])
                   for d in later.document.differences]
    assert ("2026-W49", "new", 3, 4, first.document.pk) in corrections
    rows = rows_of(table_after(read_docx(later.document.file.read()), "统计时段"))
    assert ["2026年第49周", "新增问题", "3", "4",
            f"{first.document.title}（2026年12月7日）"] in rows


def test_generating_twice_with_the_same_figures_stores_nothing_new(city, without_libreoffice):
    ledger_history(city)
    with clock.frozen_at(NOW):
        first = generate_briefing("weekly", NOW.date(), acting_user=city.supervisor)
        again = generate_briefing("weekly", NOW.date(), acting_user=None)
        services.dismiss_problem(Problem.objects.get(status=Status.REPORTED),
                                 acting_user=city.supervisor, reason="重复")
        changed = generate_briefing("weekly", NOW.date(), acting_user=None)

    assert (first.created, again.created, changed.created) == (True, False, True)
    assert again.document.pk == first.document.pk
    assert changed.document.figures_sha256 != first.document.figures_sha256
    assert Report.objects.count() == 2


def test_the_monthly_briefing_counts_the_month(city, without_libreoffice):
    ledger_history(city)
    with clock.frozen_at(at(MONDAY + timedelta(days=2))):
        briefing = generate_briefing("monthly", MONDAY - timedelta(days=1), acting_user=None)

    figures = briefing.document.figures
    assert figures["period"] == {"key": "2026-11", "start": "2026-11-01", "end": "2026-11-30",
                                 "year": 2026, "number": 11}
    assert figures["periods"]["2026-11"]["new"] == 8
    # Closed on 2 and 30 November; the third closed on the 2nd came back as a rebound, and a
    # month counts problems by their last closing (see briefing.figures).
    assert figures["periods"]["2026-11"]["closed"] == 2
    assert len(figures["periods"]) == 12
    document = read_docx(briefing.document.file.read())
    assert document.paragraphs[0].text == "南京市生态环境问题整改工作月报"
    assert dict(rows_of(table_after(document, "指标")))["本月新增问题"] == "8"


def test_a_district_briefing_holds_only_the_district(city, without_libreoffice):
    ledger_history(city)
    with clock.frozen_at(NOW):
        briefing = generate_briefing("weekly", NOW.date(), acting_user=city.supervisor,
                                     region=city.districts[1])

    figures = briefing.document.figures
    assert briefing.document.scope_key == f"region:{city.districts[1].code}"
    assert [row["name"] for row in figures["districts"]] == ["秦淮区"]
    assert figures["headline"]["new"] == 1 and figures["headline"]["closed"] == 2
    assert figures["overdue"] == [] and figures["rebounds"] == []
