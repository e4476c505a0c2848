"""The three webhook formats: a signed generic JSON POST, the WeCom and DingTalk group bots.

Every POST carries ``X-EcoLedger-Delivery`` (the delivery's id, the same on
every retry) so that a receiver can drop a replay.

- Generic: the JSON body below; ``X-EcoLedger-Signature: sha256=<hex>`` is the
  HMAC-SHA256 of the exact body bytes under the endpoint's secret.
- WeCom (企业微信群机器人): ``{"msgtype": "markdown", "markdown": {"content": …}}``,
  content at most 4096 bytes; the bot answers ``{"errcode": 0}`` when it took it.
- DingTalk (钉钉群机器人): ``{"msgtype": "markdown", "markdown": {"title", "text"}}``;
  with a signing secret, ``timestamp`` (ms) and ``sign`` = urlencoded base64 of
  HMAC-SHA256(secret, f"{timestamp}\\n{secret}") are added to the URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ecoledger.notifications.choices import WebhookKind
from ecoledger.notifications.models import Delivery, Message, WebhookEndpoint

DELIVERY_HEADER = "X-EcoLedger-Delivery"
SIGNATURE_HEADER = "X-EcoLedger-Signature"
WECOM_LIMIT = 4096


class SendError(Exception):
    """The receiver did not take the message; the text says why (kept as the last error)."""


@dataclass(frozen=True)
class Post:
    url: str
    body: bytes
    headers: dict[str, str]


def absolute(link: str) -> str:
    return f"{settings.SITE_URL}{link}" if link.startswith("/") else link


def sign_body(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's robot signature, as its documentation computes it."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def generic_payload(delivery: Delivery, message: Message) -> dict[str, Any]:
    return {
        "id": str(delivery.key), "kind": message.kind, "subject": message.subject,
        "body": message.body, "link": absolute(message.link) if message.link else "",
        "problem": message.problem.code if message.problem else None,
        "created_at": message.created_at.isoformat(),
    }


def markdown(message: Message) -> str:
    lines = [f"### {message.subject}", message.body]
    if message.link:
        lines.append(f"[{absolute(message.link)}]({absolute(message.link)})")
    return "\n\n".join(line for line in lines if line)


def _wecom_content(message: Message) -> str:
    text = markdown(message)
    while len(text.encode()) > WECOM_LIMIT:
        text = text[: len(text) - 64]
    return text


def build_post(delivery: Delivery, endpoint: WebhookEndpoint, now_ms: int) -> Post:
    message = delivery.message
    headers = {"Content-Type": "application/json; charset=utf-8",
               DELIVERY_HEADER: str(delivery.key)}
    url = endpoint.url
    if endpoint.kind == WebhookKind.WECOM:
        payload: dict[str, Any] = {"msgtype": "markdown",
                                   "markdown": {"content": _wecom_content(message)}}
    elif endpoint.kind == WebhookKind.DINGTALK:
        payload = {"msgtype": "markdown",
                   "markdown": {"title": message.subject, "text": markdown(message)}}
        if endpoint.secret:
            joiner = "&" if "?" in url else "?"
            url = f"{url}{joiner}timestamp={now_ms}&sign={dingtalk_sign(endpoint.secret, now_ms)}"
    else:
        payload = generic_payload(delivery, message)
    body = json.dumps(payload, ensure_ascii=False).encode()
    if endpoint.kind == WebhookKind.GENERIC and endpoint.secret:
        headers[SIGNATURE_HEADER] = sign_body(endpoint.secret, body)
    return Post(url, body, headers)


def _bot_answer(endpoint: WebhookEndpoint, raw: bytes) -> None:
    """WeCom and DingTalk answer HTTP 200 even when they refuse; errcode says which."""
    if endpoint.kind == WebhookKind.GENERIC:
        return
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        raise SendError(f"the bot answered something that is not JSON: {raw[:200]!r}") from None
    if answer.get("errcode", 0) != 0:
        raise SendError(f"the bot refused: errcode {answer.get('errcode')}, "
                        f"{answer.get('errmsg', '')}")


def send(post: Post, endpoint: WebhookEndpoint) -> None:
    request = urllib.request.Request(post.url, data=post.body, headers=post.headers,
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFY_TIMEOUT) as response:
            raw = response.read(65536)
    except urllib.error.HTTPError as error:
        detail = error.read(200).decode("utf-8", "replace")
        raise SendError(f"HTTP {error.code} from {endpoint.url}: {detail}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SendError(f"could not reach {endpoint.url}: {reason}") from None
    _bot_answer(endpoint, raw)
