"""A real Open311 client from PyPI against the running server.

``georeport`` (PyPI, GeoReport v2 wrapper) lists services and reads requests
back, in JSON and in XML; it has no call for posting, so its test posts with
``requests`` (the HTTP library georeport itself uses). ``three`` (PyPI, Code
for America's client) posts, reads back and resolves tokens; it is Python 2
code, translated by 2to3 when the test starts (``tests/intake/pypi_three``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests
from django.db import connection
from georeport import GeoReport

from ecoledger.audit.guards import remove_guards
from ecoledger.intake.models import ApiKey, Complaint
from ecoledger.intake.open311.keys import issue_key
from tests.factories import category
from tests.intake.pypi_three import load_three

JURISDICTION = "city.example.cn"


@pytest.fixture
def transactional_db(_guards_back_after_flush: Any, transactional_db: Any) -> Iterator[None]:
    """Real commits for the live server, with the audit triggers lifted for the flush after it.

    The live server asks for ``transactional_db`` before the test's own fixtures, so the
    guard keeper is taken first here (as tests/browser/conftest.py does).
    """
    yield
    remove_guards(connection)


@pytest.fixture
def endpoint(live_server: Any, settings: Any) -> tuple[str, str]:
    settings.OPEN311_JURISDICTION_ID = JURISDICTION
    category("air")
    api_key = ApiKey(name="311 app")
    secret = issue_key(api_key)
    api_key.save()
    return f"{live_server.url}/open311/v2", secret


def test_georeport_lists_services_posts_a_request_and_reads_it_back(endpoint):
    root, secret = endpoint
    client = GeoReport(root, jurisdiction=JURISDICTION, api_key=secret)

    services = client.get_service_list()
    posted = requests.post(f"{root}/requests.json", data={
        "api_key": client.api_key, "jurisdiction_id": JURISDICTION,
        "service_code": "air.test", "lat": "32.05", "long": "118.78",
        "description": "工地夜间施工扬尘严重", "phone": "13812345678",
    }, timeout=10)
    request_id = posted.json()[0]["service_request_id"]
    read = client.get_service_request(request_id)
    listed = client.get_service_requests(service_request_id=request_id)
    as_xml = GeoReport(root, jurisdiction=JURISDICTION, output_format="xml")
    xml_read = as_xml.get_service_request(request_id)

    assert "air.test" in {s["service_code"] for s in services}
    assert posted.status_code == 200
    assert Complaint.objects.get().tracking_code == request_id
    assert (read["service_request_id"], read["status"], read["service_code"]) == (
        request_id, "open", "air.test")
    assert read["description"] == "工地夜间施工扬尘严重"
    assert [r["service_request_id"] for r in listed] == [request_id]
    assert (xml_read["service_request_id"], xml_read["status"]) == (request_id, "open")
    assert "phone" not in read and "13812345678" not in str(listed)


def test_georeport_sees_the_specs_error_for_a_foreign_jurisdiction(endpoint):
    root, _secret = endpoint
    client = GeoReport(root, jurisdiction="elsewhere.gov")

    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_list()

    assert refused.value.response.status_code == 404
    assert refused.value.response.json()[0]["code"] == 404


@pytest.fixture
def three_client(tmp_path: Path) -> Iterator[ModuleType]:
    module = load_three(tmp_path)
    yield module
    for name in [name for name in sys.modules if name == "three" or name.startswith("three.")]:
        del sys.modules[name]


def test_the_three_client_posts_a_request_and_reads_it_back(endpoint, three_client):
    root, secret = endpoint
    client = three_client.Three(f"{root}/", jurisdiction=JURISDICTION, api_key=secret)

    services = client.services()
    posted = client.post("air.test", lat="32.05", long="118.78",
                         description="河道黑臭，夜间有偷排", address="秦淮区中华路 1 号",
                         phone="13812345678", email="a@example.cn")
    request_id = posted[0]["service_request_id"]
    read = client.request(request_id)
    token = client.token(posted[0]["token"])

    assert "air.test" in {s["service_code"] for s in services}
    assert client.post_response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.tracking_code == request_id
    assert complaint.address == "秦淮区中华路 1 号"
    assert (read[0]["service_request_id"], read[0]["status"]) == (request_id, "open")
    assert read[0]["description"] == "河道黑臭，夜间有偷排"
    assert "13812345678" not in str(read)
    assert token[0]["service_request_id"] == request_id
