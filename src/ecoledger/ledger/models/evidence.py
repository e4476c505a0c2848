"""Evidence files: stored by their SHA-256, with what a photo says about when and where."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import EvidenceStage
from ecoledger.ledger.models.scoped import ThroughProblemQuerySet

# The perceptual hash's 16-bit bands, high bits first (ecoledger.lib.hashbands).
HASH_BAND_FIELDS = ("hash_band_0", "hash_band_1", "hash_band_2", "hash_band_3")


def evidence_path(instance: Evidence, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"evidence/{instance.problem_id}/{instance.sha256}{suffix}"


class Evidence(models.Model):
    problem = models.ForeignKey(
        "ledger.Problem",
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    progress_report = models.ForeignKey(
        "ledger.ProgressReport",
        verbose_name=_("progress report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
    )
    follow_up = models.ForeignKey(
        "ledger.FollowUp",
        verbose_name=_("follow-up"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
    )
    stage = models.CharField(_("stage"), max_length=10, choices=EvidenceStage.choices)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    taken_at = models.DateTimeField(_("photo taken at (EXIF)"), null=True, blank=True)
    photo_latitude = models.FloatField(_("photo latitude (EXIF)"), null=True, blank=True)
    photo_longitude = models.FloatField(_("photo longitude (EXIF)"), null=True, blank=True)
    camera = models.CharField(_("camera"), max_length=100, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    perceptual_hash = models.CharField(
        _("perceptual hash (dHash)"), max_length=16, blank=True,
        help_text=_("Photos that look alike have hashes a few bits apart."),
    )
    # The perceptual hash in four indexed 16-bit bands (ecoledger.lib.hashbands), through which
    # a new photo finds the stored ones that may look like it; empty when it is not compared.
    hash_band_0 = models.PositiveIntegerField(_("hash bits 1-16"), null=True, blank=True,
                                              editable=False)
    hash_band_1 = models.PositiveIntegerField(_("hash bits 17-32"), null=True, blank=True,
                                              editable=False)
    hash_band_2 = models.PositiveIntegerField(_("hash bits 33-48"), null=True, blank=True,
                                              editable=False)
    hash_band_3 = models.PositiveIntegerField(_("hash bits 49-64"), null=True, blank=True,
                                              editable=False)

    objects = ThroughProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "sha256"], name="evidence_once_per_problem"),
        ]
        indexes = [
            models.Index(fields=["sha256"], name="evidence_sha256"),
            *(models.Index(fields=[name], name=f"evidence_{name}") for name in HASH_BAND_FIELDS),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class EvidenceLookalike(models.Model):
    """A photo that is, or looks like, a photo on another problem: the pair is stored both ways.

    Found once, when the later of the two is stored, so that the problem page
    reads its photos' pairs instead of comparing them with the whole archive.
    Photos of the same problem are not paired: several shots of one site look
    alike by nature.
    """

    evidence = models.ForeignKey(
        Evidence,
        verbose_name=_("photo"),
        on_delete=models.CASCADE,
        related_name="lookalikes",
    )
    other = models.ForeignKey(
        Evidence,
        verbose_name=_("photo on another problem"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    distance = models.PositiveSmallIntegerField(
        _("distance (bits)"),
        help_text=_("Bits apart in perceptual hash; 0 for the same file."),
    )

    class Meta:
        verbose_name = _("look-alike photo")
        verbose_name_plural = _("look-alike photos")
        constraints = [
            models.UniqueConstraint(fields=["evidence", "other"], name="evidence_lookalike_once"),
            models.CheckConstraint(condition=~models.Q(evidence=models.F("other")),
                                   name="evidence_lookalike_not_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.evidence_id} ~ {self.other_id} ({self.distance})"
