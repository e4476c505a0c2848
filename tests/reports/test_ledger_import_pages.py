"""The ledger import pages: who reaches them, and the way from upload to imported problems."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ecoledger.audit.models import Event
from ecoledger.jobs.services import run_due
from ecoledger.ledger.models import Problem
from ecoledger.org.choices import Role
from ecoledger.reports.ledger_import import service
from ecoledger.reports.models import ImportStatus, LedgerImport
from tests.factories import make_user
from tests.reports.factories import upload, workbook

pytestmark = pytest.mark.django_db

ROWS = [
    ["整治内容", "所属区县", "问题类型", "问题来源", "完成情况", "整改时限", "发现时间"],
    ["油烟扰民", "district 1", "大气", "巡查", "整改中", "2026-09-30", "2026-03-01"],
    ["露天焚烧", "新城区", "大气", "巡查", "整改中", "2026-09-30", "2026-03-01"],
    ["餐饮油烟", "district 1", "大气", "巡查", "待核实", None, "2026-03-02"],
]
REFUSED_ROLES = ["leader", "department_officer", "enterprise", "inspector", "no_role"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook(ROWS))


def _people(city) -> dict[str, object]:
    return {
        "leader": make_user(Role.LEADER),
        "department_officer": make_user(Role.DEPARTMENT_OFFICER, department=city.departments[0]),
        "enterprise": make_user(Role.ENTERPRISE, enterprise=city.enterprises[0]),
        "inspector": make_user(Role.INSPECTOR, region=city.districts[0]),
        "no_role": make_user(""),
    }


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_other_roles_are_refused_every_import_page_and_nothing_changes(city, role):
    user = _people(city)[role]
    existing = upload(city.supervisor, workbook(ROWS), mapping={"整治内容": "description"})
    client = _client(user)
    before = (LedgerImport.objects.count(), Event.objects.count(), Problem.objects.count())

    answers = [
        client.get(reverse("reports:ledger-import")).status_code,
        client.post(reverse("reports:ledger-import"), {"file": _file()}).status_code,
        client.get(reverse("reports:ledger-import-detail", args=[existing.pk])).status_code,
        client.get(reverse("reports:ledger-import-mapping", args=[existing.pk])).status_code,
        client.post(reverse("reports:ledger-import-confirm", args=[existing.pk])).status_code,
    ]

    assert answers == [403] * 5
    assert (LedgerImport.objects.count(), Event.objects.count(), Problem.objects.count()) == before
    assert LedgerImport.objects.get(pk=existing.pk).status == ImportStatus.CHECKED


def test_anonymous_is_sent_to_sign_in(city):
    existing = upload(city.supervisor, workbook(ROWS), mapping={"整治内容": "description"})
    client = Client()
    for method, url in (("get", reverse("reports:ledger-import")),
                        ("post", reverse("reports:ledger-import")),
                        ("get", reverse("reports:ledger-import-detail", args=[existing.pk])),
                        ("get", reverse("reports:ledger-import-mapping", args=[existing.pk])),
                        ("post", reverse("reports:ledger-import-confirm", args=[existing.pk]))):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert LedgerImport.objects.get(pk=existing.pk).status == ImportStatus.CHECKED


def test_upload_map_check_and_import_through_the_pages(city):
    client = _client(city.supervisor)

    uploaded = client.post(reverse("reports:ledger-import"), {"file": _file()})
    ledger_import = LedgerImport.objects.get()
    mapping_url = reverse("reports:ledger-import-mapping", args=[ledger_import.pk])
    mapping_page = client.get(mapping_url).content.decode()
    field = re.search(r'<select name="(header_\d+)"[^>]*id="id_header_\d+"', mapping_page)[1]
    mapped = client.post(mapping_url, {field: "description"})
    report = client.get(reverse("reports:ledger-import-detail", args=[ledger_import.pk]))
    confirmed = client.post(reverse("reports:ledger-import-confirm", args=[ledger_import.pk]))
    queued = LedgerImport.objects.get().status
    run_due("test")

    assert uploaded["Location"] == mapping_url
    assert "整治内容" in mapping_page and "Not recognised: choose its column." in mapping_page
    assert mapped.status_code == 302
    page = report.content.decode()
    assert 'id="row-errors"' in page and "新城区" in page and 'id="confirm-import"' in page
    assert confirmed.status_code == 302
    assert queued == ImportStatus.QUEUED
    done = LedgerImport.objects.get()
    assert (done.status, done.rows_created) == (ImportStatus.IMPORTED, 2)
    assert sorted(Problem.objects.values_list("description", flat=True)) == ["油烟扰民", "餐饮油烟"]
    after = client.get(reverse("reports:ledger-import-detail", args=[done.pk])).content.decode()
    assert 'id="rows-created">2<' in after and 'id="confirm-import"' not in after


def test_a_known_layout_goes_straight_to_the_dry_run(city):
    rows = [["问题描述", *ROWS[0][1:]], *ROWS[1:]]
    client = _client(city.supervisor)

    response = client.post(reverse("reports:ledger-import"),
                           {"file": SimpleUploadedFile("a.csv", _csv(rows).encode("gbk"))})

    ledger_import = LedgerImport.objects.get()
    assert response["Location"] == reverse("reports:ledger-import-detail",
                                           args=[ledger_import.pk])
    assert ledger_import.status == ImportStatus.CHECKED
    assert ledger_import.summary["new"] == 2


def _csv(rows: list[list[object]]) -> str:
    return "\n".join(",".join("" if cell is None else str(cell) for cell in row) for row in rows)


def test_a_bad_file_is_refused_on_the_upload_form(city):
    response = _client(city.supervisor).post(
        reverse("reports:ledger-import"), {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})

    assert response.status_code == 400
    assert "neither an Excel workbook" in response.content.decode()
    assert LedgerImport.objects.count() == 0


def test_an_import_is_seen_by_its_uploader_and_supervisors_and_carried_on_by_its_uploader(city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    neighbour = make_user(Role.REGION_OFFICER, region=city.districts[1])
    mine = upload(officer, workbook([ROWS[0], ROWS[3]]), mapping={"整治内容": "description"})
    detail = reverse("reports:ledger-import-detail", args=[mine.pk])
    confirm = reverse("reports:ledger-import-confirm", args=[mine.pk])

    seen = [_client(user).get(detail).status_code
            for user in (officer, neighbour, city.supervisor)]
    listed = _client(neighbour).get(reverse("reports:ledger-import")).content.decode()
    refused = _client(city.supervisor).post(confirm)
    status_after_refusal = LedgerImport.objects.get(pk=mine.pk).status
    accepted = _client(officer).post(confirm)

    assert seen == [200, 404, 200]
    assert f"ledger-import-{mine.pk}" not in listed
    assert (refused.status_code, status_after_refusal) == (403, ImportStatus.CHECKED)
    assert accepted.status_code == 302
    assert LedgerImport.objects.get(pk=mine.pk).status == ImportStatus.QUEUED


def test_the_ledger_page_offers_the_excel_export_and_the_import_to_importers(city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    leader = make_user(Role.LEADER)

    for_officer = _client(officer).get(reverse("web:problem-list"), {"domain": "air"})
    for_leader = _client(leader).get(reverse("web:problem-list")).content.decode()

    page = for_officer.content.decode()
    href = re.search(r'href="([^"]+)" data-export-xlsx>', page)[1]
    assert href == reverse("problem-export-xlsx") + "?domain=air"
    assert reverse("reports:ledger-import") in page
    assert reverse("reports:ledger-import") not in for_leader
    assert "data-export-xlsx" in for_leader


def test_service_refuses_a_second_confirmation(city):
    checked = upload(city.supervisor, workbook(ROWS), mapping={"整治内容": "description"})
    service.queue_import(checked, acting_user=city.supervisor)

    response = _client(city.supervisor).post(
        reverse("reports:ledger-import-confirm", args=[checked.pk]))

    assert response.status_code == 409
