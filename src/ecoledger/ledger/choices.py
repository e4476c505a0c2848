"""Choice sets of the ledger, with the named groups the rules are written in."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ASSIGNED = "assigned", _("Assigned")
    CONTESTED = "contested", _("Contested")
    RECTIFYING = "rectifying", _("Rectifying")
    PENDING_ACCEPTANCE = "pending_acceptance", _("Pending acceptance")
    CLOSED = "closed", _("Closed")
    DISMISSED = "dismissed", _("Dismissed")


OPEN_STATES = frozenset(
    {Status.REPORTED, Status.ASSIGNED, Status.CONTESTED, Status.RECTIFYING,
     Status.PENDING_ACCEPTANCE}
)
TERMINAL_STATES = frozenset({Status.DISMISSED})
# States in which the responsible units hold the problem and its deadline runs:
# the traffic light and "overdue" apply only here.
CLOCK_STATES = frozenset({Status.ASSIGNED, Status.CONTESTED, Status.RECTIFYING})


class Action(models.TextChoices):
    VERIFY = "verify", _("Verify and assign")
    DISMISS = "dismiss", _("Dismiss")
    CONTEST = "contest", _("Contest (return)")
    ARBITRATE = "arbitrate", _("Arbitrate contest")
    START = "start", _("Start rectification")
    EDIT_PLAN = "edit_plan", _("Edit plan")
    REPORT_PROGRESS = "report_progress", _("Report progress")
    ADD_EVIDENCE = "add_evidence", _("Add evidence")
    SUBMIT = "submit", _("Submit for acceptance")
    REJECT = "reject", _("Reject")
    ACCEPT = "accept", _("Accept and close")
    RECORD_IMPORTED_ACCEPTANCE = (
        "record_imported_acceptance", _("Record an acceptance made before the platform")
    )
    REBOUND = "rebound", _("Reopen as rebound")
    REQUEST_EXTENSION = "request_extension", _("Request deadline extension")
    DECIDE_EXTENSION = "decide_extension", _("Decide deadline extension")
    EXTEND_DEADLINE = "extend_deadline", _("Extend deadline")
    EDIT = "edit", _("Edit facts")
    ADD_TICKET = "add_ticket", _("Add source ticket")
    LINK = "link", _("Link related problem")


class Domain(models.TextChoices):
    AIR = "air", _("Air")
    WATER = "water", _("Water")
    SOIL = "soil", _("Soil")
    SOLID_WASTE = "solid_waste", _("Solid waste")
    NOISE = "noise", _("Noise")
    ECOLOGY = "ecology", _("Ecology")


class Origin(models.TextChoices):
    INSPECTION = "inspection", _("Inspection assignment (督察交办)")
    COMPLAINT = "complaint", _("Public complaint")
    MONITORING = "monitoring", _("Online monitoring")
    PATROL = "patrol", _("Patrol")
    REMOTE_SENSING = "remote_sensing", _("Remote sensing")
    MEDIA = "media", _("Media report")
    SELF_CHECK = "self_check", _("Self-check")


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")
    MAJOR = "major", _("Major")


class UnitRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    RESPONSIBLE = "responsible", _("Responsible unit")
    COOPERATING = "cooperating", _("Cooperating unit")


DUTY_ROLES = frozenset({UnitRole.LEAD, UnitRole.RESPONSIBLE})


class TicketKind(models.TextChoices):
    INSPECTION_ASSIGNMENT = "inspection_assignment", _("Inspection assignment (督察交办件)")
    HOTLINE_12345 = "hotline_12345", _("12345 hotline work order")
    COMPLAINT = "complaint", _("Complaint")
    ALERT = "alert", _("Monitoring alert")
    PATROL_RECORD = "patrol_record", _("Patrol record")


class LinkKind(models.TextChoices):
    SAME_SOURCE = "same_source", _("Same pollution source")
    SAME_WATER_BODY = "same_water_body", _("Same river or basin")
    SAME_AREA = "same_area", _("Same area")
    DUPLICATE = "duplicate", _("Duplicate")


class EvidenceStage(models.TextChoices):
    BEFORE = "before", _("Before rectification")
    DURING = "during", _("During rectification")
    AFTER = "after", _("After rectification")
    DOCUMENT = "document", _("Supporting document")
    FOLLOW_UP = "follow_up", _("Follow-up check")


# Stages a user picks when adding evidence; follow-up photos come with a follow-up's finding.
UPLOAD_STAGES = [(value, label) for value, label in EvidenceStage.choices
                 if value != EvidenceStage.FOLLOW_UP]


class AcceptanceMethod(models.TextChoices):
    ON_SITE = "on_site", _("On-site inspection")
    DOCUMENTS = "documents", _("Document review")
    MONITORING = "monitoring", _("Monitoring data")


class ArbitrationDecision(models.TextChoices):
    UPHOLD = "uphold", _("Uphold the assignment")
    REASSIGN = "reassign", _("Reassign")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn (work submitted)")


class TrafficLight(models.TextChoices):
    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Warning")
    RED = "red", _("Overdue")


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    STABLE = "stable", _("Stable")
    REBOUND = "rebound", _("Rebound found")
    CANCELLED = "cancelled", _("Cancelled (problem reopened)")


class FollowUpFinding(models.TextChoices):
    """What an inspector may record: the two outcomes of a follow-up check."""

    STABLE = FollowUpStatus.STABLE.value, FollowUpStatus.STABLE.label
    REBOUND = FollowUpStatus.REBOUND.value, FollowUpStatus.REBOUND.label


class SignalKind(models.TextChoices):
    """What made a closed problem look like it came back."""

    COMPLAINT = "complaint", _("Public complaint")
    PATROL = "patrol", _("Patrol finding")
    ALERT = "alert", _("Monitoring alert")


class SuspicionStatus(models.TextChoices):
    OPEN = "open", _("To review")
    CONFIRMED = "confirmed", _("Confirmed as rebound")
    DISMISSED = "dismissed", pgettext_lazy("suspected rebound", "Dismissed")
    SUPERSEDED = "superseded", _("Superseded (problem reopened)")
