from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client

from ecoledger.org.choices import Role
from tests.factories import City, make_user


@pytest.fixture
def login() -> Callable[[object], Client]:
    def client_for(user: object) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return client_for


@pytest.fixture
def people(city: City) -> dict[str, object]:
    """One user of each role, the officers in district 1 (where factories put problems)."""
    return {
        "supervisor": city.supervisor,
        "second_supervisor": city.second_supervisor,
        "leader": make_user(Role.LEADER),
        "officer": make_user(Role.REGION_OFFICER, region=city.districts[0]),
        "other_officer": make_user(Role.REGION_OFFICER, region=city.districts[1]),
        "department": make_user(Role.DEPARTMENT_OFFICER, department=city.departments[0]),
        "enterprise": make_user(Role.ENTERPRISE, enterprise=city.enterprises[0]),
        "inspector": make_user(Role.INSPECTOR, region=city.districts[0]),
    }


def field_error(page: str, html_name: str) -> str:
    """The text shown next to an input (its ``…_error`` paragraph), unescaped."""
    found = re.search(rf'<p class="field-error" id="id_{re.escape(html_name)}_error">(.*?)</p>',
                      page, re.S)
    assert found, f"no error slot for {html_name}"
    return html.unescape(found.group(1)).strip()


def form_errors(page: str) -> str:
    found = re.search(r'<div class="form-errors"[^>]*>(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).strip() if found else ""
