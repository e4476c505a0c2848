"""The webhook formats as pure functions: signatures and the WeCom size limit."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import unquote_plus

import pytest

from ecoledger.lib import clock
from ecoledger.notifications import webhooks
from ecoledger.notifications.choices import WebhookKind
from ecoledger.notifications.models import Delivery, Message, WebhookEndpoint


def _message(body: str) -> Message:
    return Message(kind="message", subject="标题", body=body, link="", created_at=clock.now())


def test_the_generic_signature_is_the_hmac_of_the_exact_body():
    body = '{"a": "中文"}'.encode()

    assert webhooks.sign_body("k", body) == (
        "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest())


def test_the_dingtalk_signature_is_urlencoded_base64_of_timestamp_newline_secret():
    sign = webhooks.dingtalk_sign("SECxyz", 1700000000000)

    digest = hmac.new(b"SECxyz", b"1700000000000\nSECxyz", hashlib.sha256).digest()
    assert unquote_plus(sign) == base64.b64encode(digest).decode()
    assert "+" not in sign and "/" not in sign and "=" not in sign


@pytest.mark.parametrize("length", [100, 5000])
def test_wecom_markdown_stays_within_4096_bytes(length):
    endpoint = WebhookEndpoint(kind=WebhookKind.WECOM, url="https://qyapi.example/send?key=1")
    delivery = Delivery(message=_message("污" * length))

    post = webhooks.build_post(delivery, endpoint, 0)

    content = json.loads(post.body)["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert content.startswith("### 标题\n\n污")
    assert post.headers["X-EcoLedger-Delivery"] == str(delivery.key)
