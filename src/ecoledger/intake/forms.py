"""Forms of the complaint pages: filing (public) and the supervisor's three decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoledger.intake import tracking
from ecoledger.intake.services import PhotoUpload
from ecoledger.ledger.choices import Domain, Severity
from ecoledger.ledger.models import Category
from ecoledger.lib.geo import CoordinateSystem
from ecoledger.org.models import Region
from ecoledger.web.forms.fields import (
    AccessibleForm,
    MultipleFileField,
    RegionChoiceField,
    text_area,
)

# Where the service's field names land on the page: the point is picked on the map (hidden
# inputs), so a missing or bad location is shown next to the address.
FILING_ALIASES = {"location": "address", "latitude": "address", "longitude": "address",
                  "coordinate_system": "address"}


def category_choices() -> list[tuple[Any, Any]]:
    """The ledger's categories, grouped by their domain, in the domain's order."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for category in Category.objects.order_by("domain", "name"):
        groups.setdefault(category.domain, []).append((category.pk, category.name))
    return [("", _("Choose…"))] + [
        (Domain(domain).label, options) for domain, options in groups.items()
    ]


class ComplaintForm(AccessibleForm):
    description = forms.CharField(label=_("What is wrong?"), widget=text_area(5),
                                  max_length=2000)
    category = forms.TypedChoiceField(label=_("Kind of problem"), coerce=int)
    address = forms.CharField(
        label=_("Address"), required=False, max_length=255,
        help_text=_("Tap the map to mark the place, or type the address."))
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    coordinate_system = forms.ChoiceField(
        required=False, choices=[(s.value, s.value) for s in CoordinateSystem],
        widget=forms.HiddenInput)
    photos = MultipleFileField(
        label=_("Photos"), required=False,
        help_text=_("Optional. JPEG, PNG or WebP photos."))
    name = forms.CharField(label=_("Your name"), required=False, max_length=60,
                           help_text=_("Optional. Seen only by the supervising office."))
    phone = forms.CharField(label=_("Mobile number"), required=False, max_length=20,
                            help_text=_("Optional. Seen only by the supervising office."))
    # A field people never see: a bot that fills every input fills this one too.
    website = forms.CharField(required=False, widget=forms.TextInput(
        attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["photos"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This form could not be sent. Please try again."))
        return ""

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "description": data["description"],
            "category": Category.objects.filter(pk=data["category"]).first(),
            "latitude": data["latitude"], "longitude": data["longitude"],
            "coordinate_system": data["coordinate_system"] or CoordinateSystem.WGS84,
            "address": data["address"], "name": data["name"], "phone": data["phone"],
            "photos": [PhotoUpload(upload, upload.name) for upload in data["photos"]],
        }


class TrackForm(forms.Form):
    # No max_length: its generic "at most 20 characters" would hide what a code looks like,
    # and a code typed with dashes or spaces is longer than the code itself.
    code = forms.CharField(label=_("Tracking code"))

    def clean_code(self) -> str:
        code = tracking.normalize_code(self.cleaned_data["code"])
        if not tracking.is_well_formed(code):
            raise forms.ValidationError(
                _("This is not a valid tracking code. A tracking code has %(n)s letters and "
                  "digits, such as %(example)s."),
                code="invalid",
                params={"n": tracking.CODE_LENGTH, "example": tracking.EXAMPLE_CODE})
        return code


class MergeForm(AccessibleForm):
    problem = forms.CharField(label=_("Problem code"), max_length=32)


class OpenProblemForm(AccessibleForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    region = RegionChoiceField(label=_("Region"), queryset=Region.objects.order_by("path"))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices,
                                 initial=Severity.GENERAL)


class RejectComplaintForm(AccessibleForm):
    reason = forms.CharField(label=_("Reason (shown to the complainant)"), widget=text_area(3),
                             max_length=1000)
