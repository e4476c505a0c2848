"""Briefing pages, downloads and the command line: the city's briefings for the city office and
leaders, a district's for its officers, nothing for anyone else."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ecoledger.jobs.models import Job
from ecoledger.lib import clock
from ecoledger.org.choices import Role
from ecoledger.reports import tasks
from ecoledger.reports.briefing import pdf
from ecoledger.reports.briefing.services import generate_briefing
from ecoledger.reports.models import Report
from tests.factories import make_user
from tests.reports.briefing_world import NOW, ledger_history, read_docx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _without_libreoffice(monkeypatch):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)


@pytest.fixture
def stored(city) -> dict[str, Report]:
    """This week's briefings of the city and of each district."""
    ledger_history(city)
    with clock.frozen_at(NOW):
        return {
            "city": generate_briefing("weekly", NOW.date(), acting_user=None).document,
            "own": generate_briefing("weekly", NOW.date(), acting_user=None,
                                     region=city.districts[0]).document,
            "other": generate_briefing("weekly", NOW.date(), acting_user=None,
                                       region=city.districts[1]).document,
        }


def _people(city) -> dict[str, object]:
    return {
        "supervisor": city.supervisor,
        "leader": make_user(Role.LEADER),
        "district_officer": make_user(Role.REGION_OFFICER, region=city.districts[0]),
        "town_officer": make_user(Role.REGION_OFFICER, region=city.towns[0][0]),
        "department_officer": make_user(Role.DEPARTMENT_OFFICER,
                                        department=city.departments[0]),
        "enterprise": make_user(Role.ENTERPRISE, enterprise=city.enterprises[0]),
        "inspector": make_user(Role.INSPECTOR, region=city.districts[0]),
        "no_role": make_user(""),
    }


READS = {  # role: (list page, the briefings it may download)
    "supervisor": (200, {"city", "own", "other"}),
    "leader": (200, {"city", "own", "other"}),
    "district_officer": (200, {"own"}),
    "town_officer": (403, set()),
    "department_officer": (403, set()),
    "enterprise": (403, set()),
    "inspector": (403, set()),
    "no_role": (403, set()),
}


@pytest.mark.parametrize("role", list(READS))
def test_each_role_reads_only_the_briefings_of_its_scope(city, stored, role):
    client = Client()
    client.force_login(_people(city)[role])
    page_status, readable = READS[role]

    page = client.get(reverse("reports:briefing-list"))
    downloads = {name: client.get(reverse("reports:briefing-download", args=[report.pk]))
                 for name, report in stored.items()}

    assert page.status_code == page_status
    listed = {name for name, report in stored.items()
              if f'id="briefing-{report.pk}"' in page.content.decode()}
    assert listed == (readable if page_status == 200 else set())
    for name, response in downloads.items():
        expected = 200 if name in readable else 403 if page_status == 403 else 404
        assert response.status_code == expected, (role, name)
    for name in readable:
        assert read_docx(b"".join(downloads[name].streaming_content)).paragraphs[0].text


@pytest.mark.parametrize("role", [role for role in READS if role != "supervisor"])
def test_only_supervisors_may_ask_for_a_briefing_and_a_refusal_queues_nothing(city, role):
    client = Client()
    client.force_login(_people(city)[role])

    response = client.post(reverse("reports:briefing-generate"),
                           {"kind": "weekly", "day": "2026-11-30", "district": ""})

    assert response.status_code == 403
    assert not Job.objects.filter(name=tasks.GENERATE_JOB).exists()


def test_a_supervisor_asks_for_a_briefing_and_the_worker_makes_it(city):
    ledger_history(city)
    client = Client()
    client.force_login(city.supervisor)
    with clock.frozen_at(NOW):
        asked = client.post(reverse("reports:briefing-generate"), {
            "kind": "monthly", "day": "2026-11-15", "district": city.districts[1].pk})
        pending = client.get(reverse("reports:briefing-list")).content.decode()
        job = Job.objects.get(name=tasks.GENERATE_JOB)
        tasks.generate_briefing(**job.payload)

    assert asked.status_code == 302
    assert job.payload == {"kind": "monthly", "day": "2026-11-01",
                           "region": city.districts[1].pk, "user": city.supervisor.pk}
    assert 'id="pending"' in pending
    report = Report.objects.get()
    assert (report.scope_key, report.generated_by) == (f"region:{city.districts[1].code}",
                                                         city.supervisor)


def test_the_form_offers_today_in_the_date_fields_own_format_in_chinese_too(city):
    client = Client()
    client.force_login(city.supervisor)
    client.cookies["django_language"] = "zh-hans"
    with clock.frozen_at(NOW):
        page = client.get(reverse("reports:briefing-list")).content.decode()
        today = clock.today()

    day = re.search(r'<input type="date" name="day" value="([^"]*)"', page)
    assert day and day[1] == f"{today:%Y-%m-%d}"


def test_a_period_not_yet_begun_is_refused_on_the_form(city):
    client = Client()
    client.force_login(city.supervisor)
    with clock.frozen_at(NOW):
        response = client.post(reverse("reports:briefing-generate"),
                               {"kind": "weekly", "day": "2026-12-09", "district": ""})

    assert response.status_code == 400
    assert "The period has not begun yet." in response.content.decode()
    assert not Job.objects.exists()


def test_anonymous_is_sent_to_log_in(stored):
    client = Client()
    for url in (reverse("reports:briefing-list"),
                reverse("reports:briefing-download", args=[stored["city"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    response = client.post(reverse("reports:briefing-generate"), {"kind": "weekly"})
    assert response.status_code == 302 and not Job.objects.exists()


def test_the_dashboard_links_the_latest_briefings_for_those_who_read_them(city, stored):
    people = _people(city)
    pages = {}
    for role in ("supervisor", "district_officer", "enterprise"):
        client = Client()
        client.force_login(people[role])
        pages[role] = client.get(reverse("web:home")).content.decode()

    download = reverse("reports:briefing-download", args=[stored["city"].pk])
    assert 'id="latest-briefings"' in pages["supervisor"] and download in pages["supervisor"]
    own = reverse("reports:briefing-download", args=[stored["own"].pk])
    assert own in pages["district_officer"] and download not in pages["district_officer"]
    assert 'id="latest-briefings"' not in pages["enterprise"]


def test_the_command_line_writes_the_briefing_and_prints_its_path_and_hash(
        city, tmp_path: Path):
    ledger_history(city)
    out = io.StringIO()
    target = tmp_path / "weekly.docx"

    with clock.frozen_at(NOW):
        call_command("report", "weekly", "--date", "2026-11-30", "--out", str(target),
                     stdout=out)

    report = Report.objects.get()
    printed = out.getvalue()
    assert str(target.resolve()) in printed
    assert f"figures sha256 {report.figures_sha256} (generated)" in printed
    assert target.read_bytes() == report.file.read()
    assert read_docx(target.read_bytes()).paragraphs[0].text == "南京市生态环境问题整改工作周报"
