from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import Domain


class Category(models.Model):
    """A problem category within a domain (扬尘, 黑臭水体, 非法倾倒 …); master data."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["domain", "code"]

    def __str__(self) -> str:
        return self.name
