"""The login page is also the public's way in: reporting, tracking and disclosure."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_login_page_leads_the_public_to_reporting_tracking_and_disclosure():
    client = Client()

    page = client.get(reverse("web:login")).content.decode()

    links = set(re.findall(r'href="([^"]+)"', page))
    public = [reverse("intake:report"), reverse("intake:track"), reverse("intake:disclosure")]
    assert set(public) <= links
    for url in public:
        assert client.get(url).status_code == 200, url
