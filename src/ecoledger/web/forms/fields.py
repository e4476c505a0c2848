"""Widgets, fields and the form base of the ledger pages, and the scope of their choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.models import Problem
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.choices import REGIONAL_ROLES, RegionLevel
from ecoledger.org.models import Department, Region, RegionQuerySet, User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``; cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class AccessibleForm(forms.Form):
    """Ties each input to its help and error text, and marks inputs that have errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            ident = self[name].auto_id
            described = [f"{ident}_error"] + ([f"{ident}_help"] if field.help_text else [])
            field.widget.attrs.setdefault("aria-describedby", " ".join(described))

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        names = [field] if field else list(error) if isinstance(error, dict) else []
        for name in names:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def apply(self, error: InvalidInput, aliases: dict[str, str] | None = None) -> None:
        """Place a service's field errors next to the inputs they name; the rest on top."""
        placed = False
        for name, reasons in error.fields.items():
            target = (aliases or {}).get(name, name)
            if self.place(target, reasons):
                placed = True
                continue
            for reason in reasons:
                self.add_error(None, reason)
                placed = True
        if not placed:
            self.add_error(None, error.message)

    def place(self, name: str, reasons: list[str]) -> bool:
        if name not in self.fields:
            return False
        for reason in reasons:
            self.add_error(name, reason)
        return True

    def error_map(self) -> dict[str, list[str]]:
        """Errors by the inputs' HTML names (what a script finds them by)."""
        return {
            (self.add_prefix(name) if name != "__all__" else "__all__"): [str(e) for e in errors]
            for name, errors in self.errors.items()
        }


def regions_for(user: User) -> RegionQuerySet:
    """The regions a user may pick: their subtree for regional roles, else all."""
    if user.role in REGIONAL_ROLES and user.region_id:
        return Region.objects.subtree(user.region)
    return Region.objects.all()


def filter_regions_for(user: User) -> RegionQuerySet:
    """The regions the ledger may be filtered by: those the user may pick, and those of
    the problems they see.

    An inspector also sees the problems of the follow-ups sent to them, often in other
    districts; the dashboard counts those per district and links each row to the ledger,
    so their districts and towns must be choices too. Offering them widens nothing: the
    list being filtered is already the user's scope.
    """
    regions = regions_for(user)
    if user.role not in REGIONAL_ROLES or not user.region_id \
            or user.region.level == RegionLevel.CITY:
        return regions  # every region already
    visible = Problem.objects.visible_to(user)
    return Region.objects.filter(
        Q(path__startswith=user.region.path) | Q(pk__in=visible.values("district_id"))
        | Q(pk__in=visible.values("region_id"))
    )


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        depth = obj.path.strip("/").count("/")
        return f"{'— ' * depth}{obj.name}"


class CategorySelect(forms.Select):
    """Options carry their domain, so the page can offer only the chosen domain's categories."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-domain"] = instance.domain
        return option


def unit_choices(problem: Problem) -> list[tuple[Any, Any]]:
    """Regions that contain the problem's place (属地), and every department."""
    parts = problem.region.path.strip("/").split("/")
    paths = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    regions = Region.objects.filter(path__in=paths).order_by("path")
    return [
        (_("Regions"), [(f"region:{r.pk}", r.name) for r in regions]),
        (_("Departments"), [(f"department:{d.pk}", str(d))
                            for d in Department.objects.order_by("code")]),
    ]


def unit_of(value: str) -> Region | Department:
    kind, _sep, pk = value.partition(":")
    model = Region if kind == "region" else Department
    return model.objects.get(pk=int(pk))


def unit_value(unit: Any) -> str:
    return f"{'region' if isinstance(unit, Region) else 'department'}:{unit.pk}"


