"""Every business action on public complaints; pages, Open311 and admin call only these."""

from ecoledger.intake.services.answers import answer_complaint, record_satisfaction
from ecoledger.intake.services.filing import PhotoUpload, Sender, file_complaint
from ecoledger.intake.services.triage import (
    merge_complaint,
    open_problem_for,
    reject_complaint,
)

__all__ = [
    "PhotoUpload",
    "Sender",
    "answer_complaint",
    "file_complaint",
    "merge_complaint",
    "open_problem_for",
    "record_satisfaction",
    "reject_complaint",
]
