"""Public complaints, their photos, and the keys of Open311 clients.

A complaint is the public's report as it arrived; the ledger's problem is the
case it becomes part of. The complainant's name and phone live only here and
are shown unmasked to supervisors alone (see ``privacy``).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoledger.intake.choices import Channel, ComplaintStatus, Satisfaction
from ecoledger.org.choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import User


def may_triage(user: User | AnonymousUser) -> bool:
    """Complaints carry personal data: only supervisors see and decide them."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.SUPERVISOR)


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def visible_to(self, user: User | AnonymousUser) -> ComplaintQuerySet:
        """The one place that decides which complaints a signed-in user may see."""
        return self.all() if may_triage(user) else self.none()


class Complaint(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True,
                                     editable=False)
    description = models.TextField(_("description"))
    category = models.ForeignKey(
        "ledger.Category", verbose_name=_("category"), on_delete=models.PROTECT,
        related_name="complaints",
    )
    latitude = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    longitude = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    name = models.CharField(_("complainant's name"), max_length=60, blank=True)
    phone = models.CharField(_("complainant's phone"), max_length=20, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    submitter_key = models.CharField(
        _("submitter key"), max_length=64, editable=False,
        help_text=_("A keyed hash of the sender's address, for abuse limits; not the address."),
    )
    status = models.CharField(_("status"), max_length=10, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.RECEIVED, editable=False)
    problem = models.ForeignKey(
        "ledger.Problem", verbose_name=_("problem"), on_delete=models.PROTECT, null=True,
        blank=True, editable=False, related_name="complaints",
    )
    ticket = models.OneToOneField(
        "ledger.SourceTicket", verbose_name=_("source ticket"), on_delete=models.PROTECT,
        null=True, blank=True, editable=False, related_name="complaint",
    )
    rejection_reason = models.TextField(_("reason for not accepting"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        null=True, blank=True, editable=False, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    satisfaction = models.CharField(
        _("satisfaction with the answer"), max_length=20, choices=Satisfaction.choices,
        blank=True, editable=False,
        help_text=_("The complainant's verdict, asked on a return call after the answer."),
    )
    satisfaction_at = models.DateTimeField(
        _("satisfaction recorded at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("received at"), editable=False)
    updated_at = models.DateTimeField(_("updated at"), editable=False)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="complaint_status_created"),
            models.Index(fields=["submitter_key", "created_at"], name="complaint_submitter"),
            models.Index(fields=["phone", "created_at"], name="complaint_phone"),
            models.Index(fields=["latitude", "longitude"], name="complaint_location"),
            models.Index(fields=["created_at"], name="complaint_created"),
        ]

    def __str__(self) -> str:
        return self.tracking_code


def photo_path(instance: ComplaintPhoto, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"complaints/{instance.complaint_id}/{instance.sha256}{suffix}"


class ComplaintPhoto(models.Model):
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=photo_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    taken_at = models.DateTimeField(_("photo taken at (EXIF)"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "sha256"],
                                    name="photo_once_per_complaint"),
        ]

    def __str__(self) -> str:
        return self.original_name


class ApiKey(models.Model):
    """An Open311 client's key; only its SHA-256 is stored, the key is shown once."""

    name = models.CharField(_("client"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True,
                                        editable=False)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
