"""Forms of follow-ups and suspected rebounds: they shape the services' inputs, nothing more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import FollowUpFinding
from ecoledger.web.forms.fields import AccessibleForm, DateInput, MultipleFileField, text_area


class FollowUpForm(AccessibleForm):
    finding = forms.ChoiceField(label=_("Finding"), choices=FollowUpFinding.choices,
                                widget=forms.RadioSelect)
    note = forms.CharField(label=_("What you saw"), widget=text_area(3), required=False,
                           help_text=_("Required when the problem has come back."))
    files = MultipleFileField(
        label=_("Photos taken on site"),
        help_text=_("At least one photo (JPEG, PNG or WebP); documents may go with it."),
    )

    def photos(self) -> list[tuple[Any, str]]:
        return [(upload, upload.name) for upload in self.cleaned_data["files"]]


class AssignFollowUpForm(forms.Form):
    inspector = forms.IntegerField(label=_("Inspector"))


class ConfirmSuspicionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=text_area(2))
    deadline = forms.DateField(label=_("New deadline"), widget=DateInput())


class DismissSuspicionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=text_area(2))
