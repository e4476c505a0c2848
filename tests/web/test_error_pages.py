"""The 404, 403 and 500 pages: in the visitor's language, with a way on for the public.

DEBUG is off in the tests, as in production, so these are the pages people meet.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import permission_denied, server_error

from ecoledger.org.choices import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _links_on(html: str) -> None:
    for name in ("web:home", "intake:report", "intake:track"):
        assert f'href="{reverse(name)}"' in html


def test_a_missing_page_is_explained_in_chinese_with_the_public_pages_linked():
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "Not Found" not in html
    assert 'class="topbar"' in html
    _links_on(html)


def test_a_signed_in_user_gets_the_missing_page_with_the_menu():
    client = Client()
    client.force_login(make_user(Role.SUPERVISOR))

    html = client.get("/no-such-page/").content.decode()

    assert "Page not found" in html and reverse("web:my-work") in html


def test_a_refusal_says_why_in_the_layout():
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()

    with translation.override("zh-hans"):
        response = permission_denied(request, PermissionDenied("Your role may not do this."))

    html = response.content.decode()
    assert response.status_code == 403
    assert "您无权打开此页面" in html and "Your role may not do this." in html
    _links_on(html)


def test_the_server_error_page_renders_without_any_context():
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "出错了" in html and '<html lang="zh-hans">' in html
    _links_on(html)


def test_a_form_sent_without_its_token_is_explained_in_the_layout():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")

    response = client.post(reverse("intake:track"), {"code": "7KQ4M2XNPA"})

    html = response.content.decode()
    assert response.status_code == 403
    with translation.override("zh-hans"):
        assert str(translation.gettext("The form has expired")) in html
    assert "CSRF verification failed" not in html and 'class="topbar"' in html
    _links_on(html)
