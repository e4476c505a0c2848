"""The user's choice of channels."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ChannelForm(forms.Form):
    email = forms.BooleanField(
        label=_("Also by email"), required=False,
        help_text=_("Notifications always appear here in the app; email adds a copy."))
