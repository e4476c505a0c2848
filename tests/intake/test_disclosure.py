"""Public disclosure: closed problems with what was found and done, nothing confidential or
personal."""

from __future__ import annotations

import io
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ecoledger.ledger import services
from ecoledger.ledger.choices import Status
from ecoledger.ledger.services import MeasureInput
from tests.factories import jpeg_bytes, make_problem

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _closed(city, *, title: str, confidential: bool = False, **facts):
    problem = make_problem(city, status=Status.RECTIFYING, title=title,
                           confidential=confidential, responsible_person="李四", **facts)
    services.save_plan(problem, acting_user=city.supervisor, goal="不再扬尘", measures=[
        MeasureInput("覆盖防尘网", "王五", problem.deadline),
        MeasureInput("安装喷淋", "王五", problem.deadline)])
    services.add_evidence(problem, acting_user=city.supervisor,
                          upload=io.BytesIO(jpeg_bytes(seed=problem.pk)), name="after.jpg",
                          stage="after")
    services.submit_for_acceptance(problem, acting_user=city.supervisor, summary="完成")
    services.accept_problem(problem, acting_user=city.second_supervisor, opinion="现场核实")
    problem.refresh_from_db()
    return problem


def test_the_page_and_both_feeds_show_closed_problems_and_what_was_done(city):
    shown = _closed(city, title="工地扬尘", description="工地未覆盖")
    secret = _closed(city, title="涉密点位", confidential=True)
    still_open = make_problem(city, status=Status.RECTIFYING, title="仍在整改")
    client = Client()

    page = client.get(reverse("intake:disclosure")).content.decode()
    atom = ElementTree.fromstring(client.get(reverse("intake:disclosure-atom")).content)
    feed = client.get(reverse("intake:disclosure-json")).json()

    assert shown.code in page and "工地未覆盖" in page
    assert "覆盖防尘网" in page and "安装喷淋" in page
    assert f"accepted {timezone.localtime(shown.closed_at):%Y-%m-%d}" in page
    for hidden in (secret.code, "涉密点位", still_open.code, "李四", "王五"):
        assert hidden not in page
    assert [e.findtext(f"{ATOM}id") for e in atom.findall(f"{ATOM}entry")] == [shown.code]
    assert "覆盖防尘网; 安装喷淋" in atom.find(f"{ATOM}entry/{ATOM}summary").text
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["id"] for item in feed["items"]] == [shown.code]
    item = feed["items"][0]
    assert item["_ecoledger"]["measures"] == ["覆盖防尘网", "安装喷淋"]
    assert item["date_published"] == shown.closed_at.isoformat()
    assert "李四" not in str(feed) and "王五" not in str(feed)


def test_nothing_closed_yet_says_so():
    page = Client().get(reverse("intake:disclosure"))

    assert page.status_code == 200
    assert "Nothing has been closed yet." in page.content.decode()
