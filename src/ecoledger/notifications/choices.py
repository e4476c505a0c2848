"""Choice sets of notifications: channels, webhook formats, delivery states, known kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """In-app notifications are always made; these are the channels beyond them."""

    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class WebhookKind(models.TextChoices):
    GENERIC = "generic", _("Generic JSON (signed with HMAC-SHA256)")
    WECOM = "wecom", _("WeCom group bot (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk group bot (钉钉)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed permanently")


class Kind(models.TextChoices):
    """Kinds the platform sends. Those of other apps are ``app.event`` slugs, named here so that
    every notification shows a label, never a slug."""

    DEADLINE_WARNING = "deadline_warning", _("Deadline approaching")
    DEADLINE_OVERDUE = "deadline_overdue", _("Deadline passed")
    ACCEPTANCE_PENDING = "acceptance_pending", _("Waiting for acceptance")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
    DAILY_DIGEST = "daily_digest", _("Daily digest")
    MESSAGE = "message", _("Message")
    COMPLAINT_RECEIVED = "intake.complaint_received", _("New public complaint")
    COMPLAINT_MERGED = "intake.complaint_merged", _("Complaint joined a problem")
    PROBLEM_REBOUNDED = "ledger.problem_rebounded", _("Problem rebounded")
    EXTENSION_DECIDED = "ledger.extension_decided", _("Deadline extension decided")
    CONTEST_ARBITRATED = "ledger.contest_arbitrated", _("Contest arbitrated")
