"""What a problem is tied to: its units, its source tickets, its related problems."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import LinkKind, TicketKind, UnitRole
from ecoledger.org.models import Department, Region


class ProblemUnit(models.Model):
    """A lead (牵头), responsible (责任) or cooperating (配合) unit: a region or a department."""

    problem = models.ForeignKey(
        "ledger.Problem", verbose_name=_("problem"), on_delete=models.CASCADE, related_name="units"
    )
    role = models.CharField(_("unit role"), max_length=12, choices=UnitRole.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problem_units",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problem_units",
    )

    class Meta:
        verbose_name = _("problem unit")
        verbose_name_plural = _("problem units")
        ordering = ["role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=True, department__isnull=False)
                | Q(region__isnull=False, department__isnull=True),
                name="problem_unit_is_region_or_department",
            ),
            models.UniqueConstraint(
                fields=["problem"], condition=Q(role=UnitRole.LEAD), name="problem_one_lead_unit"
            ),
            models.UniqueConstraint(
                fields=["problem", "region"],
                condition=Q(region__isnull=False),
                name="problem_unit_region_once",
            ),
            models.UniqueConstraint(
                fields=["problem", "department"],
                condition=Q(department__isnull=False),
                name="problem_unit_department_once",
            ),
        ]
        indexes = [models.Index(fields=["department", "problem"], name="unit_department_problem")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.unit}"

    @property
    def unit(self) -> Region | Department:
        return self.region or self.department  # type: ignore[return-value]


class SourceTicket(models.Model):
    """Where a problem came from upstream, with its own duty to answer whoever raised it."""

    problem = models.ForeignKey(
        "ledger.Problem",
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="tickets",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=TicketKind.choices)
    upstream_id = models.CharField(_("upstream id"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received at"))
    reply_deadline = models.DateField(_("reply deadline"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)

    class Meta:
        verbose_name = _("source ticket")
        verbose_name_plural = _("source tickets")
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "upstream_id"],
                condition=~Q(upstream_id=""),
                name="ticket_upstream_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.upstream_id}".strip()


class ProblemLink(models.Model):
    """Two related problems (same source, same river or basin, same area); stored once per pair."""

    from_problem = models.ForeignKey(
        "ledger.Problem",
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="links_out",
    )
    to_problem = models.ForeignKey(
        "ledger.Problem",
        verbose_name=_("related problem"),
        on_delete=models.CASCADE,
        related_name="links_in",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("problem link")
        verbose_name_plural = _("problem links")
        constraints = [
            models.UniqueConstraint(fields=["from_problem", "to_problem"], name="link_pair_once"),
            models.CheckConstraint(
                condition=Q(from_problem__lt=F("to_problem")), name="link_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_problem_id} ↔ {self.to_problem_id} ({self.kind})"
