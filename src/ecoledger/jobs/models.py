"""Jobs and schedules, kept in the database so that none is lost when a worker stops."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    name = models.CharField(_("job"), max_length=100)
    payload = models.JSONField(_("arguments"), default=dict, blank=True)
    unique_key = models.CharField(_("unique key"), max_length=200, null=True, blank=True,
                                  unique=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    run_after = models.DateTimeField(_("run after"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=5)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "run_after"], name="job_due")]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"


class Schedule(models.Model):
    """When a periodic job runs next; the worker enqueues it once per due time."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    interval_seconds = models.PositiveIntegerField(_("interval (s)"))
    next_run_at = models.DateTimeField(_("next run at"))
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} every {self.interval_seconds}s"
