"""Forms of the ledger import pages: the upload and the choice of a column per header."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoledger.reports.ledger_columns import COLUMNS
from ecoledger.reports.ledger_import.headers import Mapped


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Ledger file"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (UTF-8 or GBK)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


LEAVE_ASIDE = ""


def column_choices() -> list[tuple[str, str]]:
    return [(LEAVE_ASIDE, str(_("Leave this column aside"))),
            *((column.key, f"{column.header} · {column.label}" if column.imported
               else f"{column.header} · {column.label} ({_('the platform counts it')})")
              for column in COLUMNS)]


class HeaderMappingForm(forms.Form):
    """One select per header of the file; the ones no synonym recognised come first."""

    def __init__(self, *args: Any, mapped: list[Mapped], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers: dict[str, str] = {}
        ordered = sorted(enumerate(mapped), key=lambda pair: (pair[1].key is not None, pair[0]))
        for index, item in ordered:
            name = f"header_{index}"
            self.headers[name] = item.header.text
            self.fields[name] = forms.ChoiceField(
                label=item.header.text, choices=column_choices(), required=False,
                initial=item.key or LEAVE_ASIDE,
                help_text=_("Not recognised: choose its column.") if item.key is None else "",
            )

    def choices(self) -> dict[str, str]:
        """Header as the file writes it → the chosen column key ("" to leave it aside).

        Only the headers sent are chosen; the others keep their columns.
        """
        return {text: self.cleaned_data[name] for name, text in self.headers.items()
                if name in self.data}
