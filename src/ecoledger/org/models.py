"""The organisation: regions, departments, enterprises, pollution sources, water bodies, users.

Every model that a user may read has a ``visible_to(user)`` queryset method;
reads go through it and nowhere else decides scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecoledger.lib.uscc import CreditCodeError, validate_credit_code
from ecoledger.org.choices import (
    CITYWIDE_ROLES,
    ENTERPRISE_OUTLETS,
    REGIONAL_ROLES,
    SCOPE_FIELD,
    RegionLevel,
    Role,
    SourceKind,
    WaterBodyKind,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class RegionQuerySet(models.QuerySet["Region"]):
    def subtree(self, region: Region) -> RegionQuerySet:
        return self.filter(path__startswith=region.path)

    def districts(self) -> RegionQuerySet:
        return self.filter(level=RegionLevel.DISTRICT)


class Region(models.Model):
    """A node of the administrative tree: city → district/county → town/street.

    ``path`` (codes from the root, slash-separated) makes a subtree one prefix
    query; ``district`` points at the district a node belongs to (itself for a
    district), so that figures roll up to districts without walking the tree.
    """

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    district = models.ForeignKey(
        "self",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    path = models.CharField(_("path"), max_length=255, editable=False, db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    boundary = models.JSONField(
        _("boundary (GeoJSON geometry, WGS-84)"), null=True, blank=True,
        help_text=_("A Polygon or MultiPolygon; the map draws regions with it."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        if self.level == RegionLevel.DISTRICT:
            self.district_id = self.pk  # set again below for a new row
        elif self.level == RegionLevel.TOWN and self.parent:
            self.district_id = self.parent.district_id
        else:
            self.district_id = None
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        if self.level == RegionLevel.DISTRICT and self.district_id != self.pk:
            Region.objects.filter(pk=self.pk).update(district=self.pk)
            self.district_id = self.pk

    def clean(self) -> None:
        expected_parent = {
            RegionLevel.CITY: None,
            RegionLevel.DISTRICT: RegionLevel.CITY,
            RegionLevel.TOWN: RegionLevel.DISTRICT,
        }[RegionLevel(self.level)]
        actual_parent = self.parent.level if self.parent else None
        if actual_parent != expected_parent:
            raise ValidationError(
                {"parent": _("A %(level)s must sit under a %(parent)s.")
                 % {"level": self.get_level_display(), "parent": expected_parent or "—"}}
            )

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)


class Department(models.Model):
    """A functional department (住建, 水务, 农业农村, 城管, 交通 …)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("government level"),
        on_delete=models.PROTECT,
        related_name="departments",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name or self.name


class WaterBody(models.Model):
    """A river, lake or reservoir, inside a basin: problems on one water link up."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=WaterBodyKind.choices)
    basin = models.ForeignKey(
        "self",
        verbose_name=_("basin"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        verbose_name = _("water body")
        verbose_name_plural = _("water bodies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="water_body_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


def validate_credit_code_field(value: str) -> None:
    try:
        validate_credit_code(value)
    except CreditCodeError as error:
        raise ValidationError(str(error), code="credit_code") from None


class ScopedQuerySet(models.QuerySet):
    """Scope of master data that belongs to a region (enterprises and sources).

    Citywide roles and departments (which regulate a sector across the whole
    city) see all; regional roles their region subtree; an enterprise itself.
    """

    region_path_field = "region__path"
    enterprise_field = "pk"

    def visible_to(self, user: User | AnonymousUser) -> ScopedQuerySet:
        if not user.is_authenticated or not user.is_active or not user.role:
            return self.none()
        if user.role in CITYWIDE_ROLES or user.role == Role.DEPARTMENT_OFFICER:
            return self.all()
        if user.role in REGIONAL_ROLES:
            return self.filter(**{f"{self.region_path_field}__startswith": user.region.path})
        return self.filter(**{self.enterprise_field: user.enterprise_id})


class EnterpriseQuerySet(ScopedQuerySet):
    enterprise_field = "pk"


class SourceQuerySet(ScopedQuerySet):
    enterprise_field = "enterprise_id"


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code_field],
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    permit_number = models.CharField(_("discharge permit number"), max_length=40, blank=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.credit_code = self.credit_code.strip().upper()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PollutionSource(models.Model):
    """An enterprise outlet or a non-point source; the unit of 一源一策 (one source, one plan)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="sources"
    )
    water_body = models.ForeignKey(
        WaterBody,
        verbose_name=_("receiving water body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("pollution source")
        verbose_name_plural = _("pollution sources")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(ENTERPRISE_OUTLETS)) | Q(enterprise__isnull=False),
                name="source_outlet_has_enterprise",
                violation_error_message=_("An outlet belongs to an enterprise."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class User(AbstractUser):
    """A person with one role and the scope that role needs (DESIGN: users and what each may do)."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text=_("Empty for accounts that only administer master data."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(REGIONAL_ROLES), region__isnull=False,
                      department__isnull=True, enterprise__isnull=True)
                    | Q(role=Role.DEPARTMENT_OFFICER, department__isnull=False,
                        region__isnull=True, enterprise__isnull=True)
                    | Q(role=Role.ENTERPRISE, enterprise__isnull=False,
                        region__isnull=True, department__isnull=True)
                    | Q(role__in=[*sorted(CITYWIDE_ROLES), ""], region__isnull=True,
                        department__isnull=True, enterprise__isnull=True)
                ),
                name="user_scope_matches_role",
                violation_error_message=_("The scope does not match the role."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        needed = SCOPE_FIELD.get(self.role)
        errors = {}
        for name in ("region", "department", "enterprise"):
            has_value = getattr(self, f"{name}_id") is not None
            if name == needed and not has_value:
                errors[name] = _("A %(role)s needs a %(field)s.") % {
                    "role": self.get_role_display(),
                    "field": self._meta.get_field(name).verbose_name,
                }
            elif name != needed and has_value:
                errors[name] = _("A %(role)s has no %(field)s.") % {
                    "role": self.get_role_display() or _("account without role"),
                    "field": self._meta.get_field(name).verbose_name,
                }
        if errors:
            raise ValidationError(errors)

    @property
    def unit_label(self) -> str:
        scope = self.region or self.department or self.enterprise
        return str(scope) if scope else ""
