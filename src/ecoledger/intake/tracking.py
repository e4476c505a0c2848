"""A complaint's progress in plain words, for the complainant's tracking page and Open311.

Nothing here names a person or a confidential case: the public sees what
happened to their complaint and the answer, not the ledger behind it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from ecoledger.intake.choices import ComplaintStatus
from ecoledger.intake.models import Complaint
from ecoledger.ledger.choices import Status

# No 0/O or 1/I: people read codes aloud and type them from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
EXAMPLE_CODE = "7KQ4M2XNPA"
_WELL_FORMED = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_SEPARATORS = re.compile(r"[\s\-]")


def normalize_code(raw: str) -> str:
    """A tracking code as stored: upper case, without the spaces and dashes people type.

    NFKC first, because a Chinese input method may give full-width letters and dashes.
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()


def is_well_formed(code: str) -> bool:
    """Whether a normalized code could be one the platform gives out."""
    return bool(_WELL_FORMED.match(code))


@dataclass(frozen=True)
class Step:
    title: str
    done: bool
    when: datetime | date | None = None
    detail: str = ""


def is_closed(complaint: Complaint) -> bool:
    """Open311's two states: closed once answered or declined, open before."""
    return complaint.status in (ComplaintStatus.ANSWERED, ComplaintStatus.REJECTED)


def status_note(complaint: Complaint) -> str:
    """One sentence on where the complaint stands, with the answer or the reason when there."""
    if complaint.status == ComplaintStatus.RECEIVED:
        return _("Received; the supervising office is reviewing it.")
    if complaint.status == ComplaintStatus.REJECTED:
        return _("Not accepted: %(reason)s") % {"reason": complaint.rejection_reason}
    if complaint.status == ComplaintStatus.ANSWERED and complaint.ticket is not None:
        return _("Answered: %(answer)s") % {"answer": complaint.ticket.reply}
    if complaint.status == ComplaintStatus.MERGED:
        return _("Merged into a case that is already being handled.")
    return _("Being handled as a new case.")


def expected_answer_on(complaint: Complaint) -> date | None:
    if complaint.ticket is None or complaint.status == ComplaintStatus.ANSWERED:
        return None
    return complaint.ticket.reply_deadline


def progress(complaint: Complaint) -> list[Step]:
    """Received → reviewed → being handled → answered (or: not accepted)."""
    steps = [Step(_("Received"), True, complaint.created_at)]
    if complaint.status == ComplaintStatus.RECEIVED:
        return [*steps, Step(_("Reviewed by the supervising office"), False),
                Step(_("Being handled"), False), Step(_("Answered"), False)]
    if complaint.status == ComplaintStatus.REJECTED:
        return [*steps, Step(_("Not accepted"), True, complaint.decided_at,
                             complaint.rejection_reason)]
    reviewed = (_("Merged into a case that is already being handled")
                if complaint.status == ComplaintStatus.MERGED
                else _("Taken up as a new case"))
    steps.append(Step(reviewed, True, complaint.decided_at))
    handled = complaint.problem is not None and complaint.problem.status != Status.REPORTED
    steps.append(Step(_("Being handled"), handled or complaint.status == ComplaintStatus.ANSWERED,
                      detail=_("The responsible units are putting it right.") if handled else ""))
    ticket = complaint.ticket
    if complaint.status == ComplaintStatus.ANSWERED and ticket is not None:
        steps.append(Step(_("Answered"), True, ticket.replied_at, ticket.reply))
    else:
        due = expected_answer_on(complaint)
        detail = _("You will have an answer by %(day)s.") % {"day": due} if due else ""
        steps.append(Step(_("Answered"), False, detail=detail))
    return steps
