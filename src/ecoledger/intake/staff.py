"""Telling staff about complaints, through the platform's notifications (app, email, webhooks).

Messages carry the tracking code, the kind and the words of the complaint, never
the complainant's name or phone: they leave the platform by email and webhook.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from ecoledger.intake.models import Complaint
from ecoledger.ledger.choices import DUTY_ROLES
from ecoledger.ledger.models import Problem
from ecoledger.notifications.choices import Kind
from ecoledger.notifications.services import notify, notify_units
from ecoledger.org.choices import Role
from ecoledger.org.models import User


def tell_supervisors_of(complaint: Complaint) -> None:
    """A new complaint waits in triage."""
    supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True)
    notify(supervisors, kind=Kind.COMPLAINT_RECEIVED,
           subject=_("New complaint %(code)s: %(kind)s") % {
               "code": complaint.tracking_code, "kind": complaint.category.name},
           body=complaint.description,
           link=reverse("intake:triage-detail", args=[complaint.tracking_code]))


def tell_duty_units_of(complaint: Complaint, problem: Problem) -> None:
    """The units rectifying a problem learn that one more member of the public awaits the answer."""
    units = [unit.unit for unit in problem.units.filter(role__in=sorted(DUTY_ROLES))]
    due = complaint.ticket.reply_deadline if complaint.ticket else None
    notify_units(units, kind=Kind.COMPLAINT_MERGED, problem=problem,
                 subject=_("A public complaint joined %(code)s") % {"code": problem.code},
                 body=_("Complaint %(ticket)s is now a source ticket of this problem; "
                        "it is answered when the problem is accepted (due %(due)s).") % {
                     "ticket": complaint.tracking_code, "due": due or "—"},
                 link=reverse("web:problem-detail", args=[problem.code]))
