"""Choice sets of public complaints, with the groups the rules are written in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    MERGED = "merged", _("Merged into a case")
    OPENED = "opened", _("Being handled")
    REJECTED = "rejected", _("Not accepted")
    ANSWERED = "answered", _("Answered")


# A supervisor decides on a complaint once; after that it follows its problem.
UNDECIDED = frozenset({ComplaintStatus.RECEIVED})
# Complaints waiting for their problem to close, when the answer goes back to them.
AWAITING_ANSWER = frozenset({ComplaintStatus.MERGED, ComplaintStatus.OPENED})
FINISHED = frozenset({ComplaintStatus.REJECTED, ComplaintStatus.ANSWERED})


class Channel(models.TextChoices):
    WEB = "web", _("Complaint page")
    OPEN311 = "open311", _("Open311 GeoReport")


class Satisfaction(models.TextChoices):
    """The complainant's verdict on the answer, asked on a return call (回访)."""

    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


# Verdicts that count as satisfied in a satisfaction rate (满意率: 满意 + 基本满意).
SATISFIED_VERDICTS = frozenset({Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED})
