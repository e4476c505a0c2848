"""The form that asks for a briefing: which kind, for which day's period, for which area."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoledger.lib import clock
from ecoledger.org.models import Region
from ecoledger.reports.models import ReportKind
from ecoledger.web.forms.fields import DateInput


class BriefingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Briefing"),
        choices=[(ReportKind.WEEKLY_BRIEFING.value, ReportKind.WEEKLY_BRIEFING.label),
                 (ReportKind.MONTHLY_BRIEFING.value, ReportKind.MONTHLY_BRIEFING.label)],
    )
    day = forms.DateField(
        label=_("For the week or month of"),
        widget=DateInput(),
        help_text=_("Any day of the week (Monday to Sunday) or month to report on."),
    )
    district = forms.ModelChoiceField(
        label=_("Area"), queryset=Region.objects.none(), required=False,
        empty_label=_("Whole city"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Region.objects.districts().order_by("code")
        self.fields["day"].initial = clock.today()
