"""The daily digest: one message per user summing up their to-dos (the queues of My work).

Sent once per user and local day, from ``ECOLEDGER_DIGEST_HOUR`` on; a user
with nothing to do gets none.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoledger.notifications.choices import Kind
from ecoledger.notifications.reminders import send_once
from ecoledger.notifications.services import notify
from ecoledger.org.models import User
from ecoledger.web.work import work_queues


def digest_lines(user: User) -> list[str]:
    return [f"- {queue.label}: {count}" for queue, selected in work_queues(user)
            if (count := selected.count())]


def send_digests(now: datetime) -> int:
    local = timezone.localtime(now)
    if local.hour < settings.DIGEST_HOUR:
        return 0
    today, sent = local.date(), 0
    for user in User.objects.filter(is_active=True).exclude(role="").order_by("pk"):
        lines = digest_lines(user)
        if not lines:
            continue
        sent += send_once(
            f"{Kind.DAILY_DIGEST}:{user.pk}:{today}",
            partial(notify, [user], kind=Kind.DAILY_DIGEST, link=reverse("web:my-work"),
                    body="\n".join(lines),
                    subject=_("Your to-dos on %(day)s") % {"day": today}))
    return sent
