"""The complainant's name and phone: checked on the way in, masked on every way out.

Masking lives here and nowhere else: pages, the Open311 API, exports and logs
call these functions, and only a supervisor's views show the values whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ecoledger.intake.models import may_triage
from ecoledger.lib.errors import InvalidInput

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.intake.models import Complaint
    from ecoledger.org.models import User

# Mainland mobile numbers: 11 digits, 1 then 3–9 (MIIT numbering plan).
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()]")


def normalize_phone(raw: str, *, field: str = "phone") -> str:
    """A mainland mobile number as 11 digits, without +86 or separators; '' if none given."""
    number = _SEPARATORS.sub("", raw or "")
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix):]
    if not number:
        return ""
    if not _MOBILE.match(number):
        # The number is not repeated, masked or whole: the person typing it sees their own
        # input beside the message, and a masked echo ("*****") reads as a broken page.
        raise InvalidInput.field(
            field, _("This is not a valid mainland mobile number (11 digits starting with 1)."))
    return number


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four digits, enough to recognise one's own."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_name(name: str) -> str:
    """张*, 欧** or J***: the first character only."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    masked: bool


def contact_shown_to(user: User | AnonymousUser, complaint: Complaint) -> Contact:
    """What a user may see of the complainant: whole for a supervisor, masked for anyone else."""
    if may_triage(user):
        return Contact(complaint.name, complaint.phone, masked=False)
    return Contact(mask_name(complaint.name), mask_phone(complaint.phone), masked=True)
