"""Checking a ledger row: what the services will need to make its problem, or every error.

The checks are the ones the services make again (scope, role, dates, units,
a plan's measures within the deadline), so that a dry run's verdict is the
import's. A row's history is laid out here too: found on 发现时间, worked on
at its progress dates, handed in and accepted on 销号时间.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from ecoledger.ledger import workflow
from ecoledger.ledger.choices import Action, Severity, Status
from ecoledger.ledger.services import UnitAssignment
from ecoledger.ledger.services.registration import GIVEN_CODE
from ecoledger.org.choices import REGIONAL_ROLES
from ecoledger.org.models import Region, User
from ecoledger.reports.ledger_columns import BY_KEY, STATUS_WORDS
from ecoledger.reports.ledger_import.directory import Directory
from ecoledger.reports.ledger_import.records import Record, RowError
from ecoledger.reports.ledger_words import (
    CellError,
    MeasureLine,
    ProgressLine,
    list_items,
    progress_items,
    read_measure,
    read_progress,
    split_names,
)

HANDED_IN = frozenset({Status.PENDING_ACCEPTANCE, Status.CLOSED})
STARTED = frozenset({Status.RECTIFYING, *HANDED_IN})
ASSIGNED = frozenset({Status.ASSIGNED, *STARTED})
# The workflow steps a problem has been through to stand at each status.
STEPS: dict[str, tuple[Action, ...]] = {
    Status.REPORTED: (),
    Status.DISMISSED: (Action.DISMISS,),
    Status.ASSIGNED: (Action.VERIFY,),
    Status.RECTIFYING: (Action.VERIFY, Action.START),
    Status.PENDING_ACCEPTANCE: (Action.VERIFY, Action.START, Action.ADD_EVIDENCE, Action.SUBMIT),
    Status.CLOSED: (Action.VERIFY, Action.START, Action.ADD_EVIDENCE, Action.SUBMIT,
                    Action.RECORD_IMPORTED_ACCEPTANCE),
}
TITLE_FROM_DESCRIPTION = 60


@dataclass
class LedgerRow:
    """A valid row: the problem's facts and the history the services will replay."""

    record: Record
    code: str
    facts: dict[str, Any]
    status: str
    reported_on: date
    deadline: date | None = None
    units: UnitAssignment | None = None
    goal: str = ""
    measures: list[MeasureLine] = field(default_factory=list)
    progress: list[ProgressLine] = field(default_factory=list)
    ended_on: date | None = None  # handed in (and, when closed, accepted) on this day
    acceptance: str = ""
    note: str = ""

    @property
    def district_name(self) -> str:
        region: Region = self.facts["region"]
        return (region.district or region).name


@dataclass
class Context:
    user: User
    directory: Directory
    today: date


def may_take(user: User, action: Action) -> bool:
    """Whether the user's role appears in any workflow row of the action."""
    return any(user.role in row.roles for row in workflow.rows_for(action))


class _Check:
    """One row under check: its parsed cells, and its errors as they are found."""

    def __init__(self, record: Record, context: Context) -> None:
        self.record, self.context = record, context
        self.errors: list[RowError] = []
        self.failed: set[str] = set()  # the column keys with an error
        self.values: dict[str, Any] = {}
        for key, raw in record.cells.items():
            try:
                self.values[key] = BY_KEY[key].parse(raw)
            except CellError as error:
                self.fail(key, str(error))

    def fail(self, key: str, reason: str) -> None:
        self.failed.add(key)
        self.errors.append(self.record.error(key, reason))

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def resolve(self, key: str, find: Any, *args: Any) -> Any:
        try:
            return find(*args)
        except CellError as error:
            self.fail(key, str(error))
            return None


def check_record(record: Record, context: Context) -> LedgerRow | list[RowError]:
    check = _Check(record, context)
    facts = _facts(check)
    status = _status(check)
    code = check.get("code") or ""
    if code and not GIVEN_CODE.fullmatch(code):
        check.fail("code", _("A code has 1 to 32 characters, each a letter, a digit or a hyphen."))
    if status is None or facts.get("region") is None:
        return check.errors  # each of the two has failed with its reason
    row = LedgerRow(record, code, facts, status, date.min,
                    acceptance=check.get("acceptance") or "", note=check.get("note") or "")
    _roles(check, row)
    if status in ASSIGNED:
        row.deadline = check.get("deadline")
        row.units = _units(check, facts["region"])
        if row.deadline is None and "deadline" not in check.failed:
            check.fail("deadline", _("A problem that is %(status)s has a deadline.") % {
                "status": STATUS_WORDS.word(status)})
    _plan(check, row)
    _history(check, row)
    if status == Status.CLOSED and not row.acceptance:
        row.acceptance = _("Accepted before the platform, as the imported ledger records.")
    return check.errors or row


def _facts(check: _Check) -> dict[str, Any]:
    description, title = check.get("description"), check.get("title")
    if not (description or title):
        check.fail("description", _("A problem needs a description (or at least a title)."))
    description = description or title or ""
    title = title or (description.splitlines()[0][:TITLE_FROM_DESCRIPTION] if description else "")
    for key, value, limit in (("title", title, 200), ("address", check.get("address"), 255),
                              ("responsible_person", check.get("responsible_person"), 60)):
        if value and len(value) > limit:
            check.fail(key, _("Keep this within %(n)s characters.") % {"n": limit})
    for key in ("domain", "origin"):
        if not check.get(key) and key not in check.failed:
            check.fail(key, _("This column is required."))
    latitude, longitude = check.get("latitude"), check.get("longitude")
    if (latitude is None) != (longitude is None):
        check.fail("longitude" if longitude is None else "latitude",
                   _("Give both longitude and latitude, or neither."))
    for key, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        if value is not None and not -limit <= value <= limit:
            check.fail(key, _("%(value)s is not between -%(limit)s and %(limit)s.") % {
                "value": value, "limit": limit})
    region = _region(check)
    category = None
    if check.get("category") and check.get("domain"):
        category = check.resolve("category", check.context.directory.category,
                                 check.get("category"), check.get("domain"))
    return {
        "title": title, "description": description, "domain": check.get("domain"),
        "origin": check.get("origin"), "severity": check.get("severity") or Severity.GENERAL,
        "category": category, "region": region, "address": check.get("address") or "",
        "latitude": latitude, "longitude": longitude,
        "responsible_person": check.get("responsible_person") or "",
    }


def _region(check: _Check) -> Region | None:
    directory, user = check.context.directory, check.context.user
    district_name, town_name = check.get("district"), check.get("town")
    if not (district_name or town_name):
        check.fail("district", _("Name the district or county (or the town or street)."))
        return None
    district = None
    if district_name:
        district = check.resolve("district", directory.district, district_name)
        if district is None:
            return None
    town = check.resolve("town", directory.town, town_name, district) if town_name else None
    if town_name and town is None:
        return None
    region: Region = town or district  # type: ignore[assignment]
    if user.role in REGIONAL_ROLES and not user.region.contains(region):
        check.fail("town" if town else "district",
                   _("%(region)s is outside your region (%(yours)s).") % {
                       "region": region.name, "yours": user.region.name})
        return None
    return region


def _status(check: _Check) -> str | None:
    if "status" in check.failed:
        return None
    status = check.get("status")
    if status is None:
        # No 完成情况: as far as the other columns show the problem got.
        if check.get("closed_on"):
            status = Status.CLOSED
        elif any(check.get(key) for key in ("deadline", "progress", "measures", "goal")):
            status = Status.RECTIFYING
        else:
            status = Status.REPORTED
    if status == Status.CONTESTED:
        check.fail("status", _("A contested assignment is settled on the platform: import the "
                               "row as 已交办 and let the unit contest it there."))
        return None
    return status


def _roles(check: _Check, row: LedgerRow) -> None:
    user = check.context.user
    if user.role not in workflow.REGISTER_ROLES:
        check.fail("", _("Your role may not register problems."))
        return
    steps = list(STEPS[row.status])
    if check.get("goal") or check.get("measures"):
        steps.append(Action.EDIT_PLAN)
    if check.get("progress"):
        steps.append(Action.REPORT_PROGRESS)
    refused = next((action for action in steps if not may_take(user, action)), None)
    if refused is not None:
        check.fail("status", _(
            "Your role may not %(action)s, which a problem that is %(status)s has been "
            "through: a supervisor imports such rows.") % {
            "action": Action(refused).label.lower(), "status": STATUS_WORDS.word(row.status)})


def _units(check: _Check, region: Region) -> UnitAssignment | None:
    directory = check.context.directory
    names = split_names(check.record.cells.get("responsible_units"))
    # Without a named unit, the district where the problem lies leads it (属地管理).
    lead_name = names[0] if names else None
    lead = (check.resolve("responsible_units", directory.unit, lead_name) if lead_name
            else region.district or region)
    responsible = [check.resolve("responsible_units", directory.unit, n) for n in names[1:]]
    cooperating = [check.resolve("cooperating_units", directory.unit, name)
                   for name in split_names(check.record.cells.get("cooperating_units"))]
    if lead is None or None in responsible or None in cooperating:
        return None
    seen: set[tuple[str, int]] = set()
    for key, unit in [("responsible_units", lead), *(("responsible_units", u) for u in responsible),
                      *(("cooperating_units", u) for u in cooperating)]:
        if (unit._meta.model_name, unit.pk) in seen:
            check.fail(key, _("%(unit)s is named more than once.") % {"unit": unit})
        seen.add((unit._meta.model_name, unit.pk))
        if isinstance(unit, Region) and not unit.contains(region):
            check.fail(key, _("%(unit)s is not responsible for %(region)s, where the problem "
                              "is.") % {"unit": unit, "region": region})
    return UnitAssignment(lead, responsible, cooperating)  # type: ignore[arg-type]


def _plan(check: _Check, row: LedgerRow) -> None:
    items = [read_measure(item) for item in list_items(check.record.cells.get("measures"))]
    goal = check.get("goal") or ""
    if (items or goal) and row.status not in ASSIGNED:
        key = "measures" if items else "goal"
        check.fail(key, _("A problem that is %(status)s has no plan yet.") % {
            "status": STATUS_WORDS.word(row.status)})
        return
    if not (items or goal):
        return
    row.goal = goal or row.facts["title"]
    units = row.units
    default_owner = row.facts["responsible_person"] or (str(units.lead) if units else "")
    for number, item in enumerate(items, 1):
        due = item.due_on or row.deadline
        if row.deadline and due and due > row.deadline:
            check.fail("measures", _("Measure %(n)s is due on %(due)s, after the deadline "
                                     "%(deadline)s.") % {"n": number, "due": due,
                                                          "deadline": row.deadline})
        done = item.done if item.done is not None else row.status in HANDED_IN
        row.measures.append(MeasureLine(item.description, item.owner or default_owner, due, done))


def _history(check: _Check, row: LedgerRow) -> None:
    """The dates of the row's story, checked against each other and today."""
    today = check.context.today
    lines = [read_progress(item) for item in progress_items(check.record.cells.get("progress"))]
    if lines and row.status not in STARTED:
        check.fail("progress", _("A problem that is %(status)s has no progress yet.") % {
            "status": STATUS_WORDS.word(row.status)})
        lines = []
    closed_on = check.get("closed_on")
    if closed_on and row.status != Status.CLOSED:
        check.fail("closed_on", _("A problem with a 销号时间 is closed, but 完成情况 says "
                                  "%(status)s.") % {"status": STATUS_WORDS.word(row.status)})
    dated = [line.on for line in lines if line.on]
    known = [day for day in (row.deadline, closed_on, *dated) if day]
    # Without 发现时间, the problem is taken as found on the earliest day the row names.
    row.reported_on = check.get("reported_on") or min([*known, today])
    if row.reported_on > today:
        check.fail("reported_on", _("%(date)s is in the future.") % {"date": row.reported_on})
    if row.deadline and row.deadline < row.reported_on:
        check.fail("deadline", _("%(deadline)s is before the problem was found (%(found)s).") % {
            "deadline": row.deadline, "found": row.reported_on})
    if row.status in HANDED_IN:
        row.ended_on = closed_on or max([row.reported_on, *dated])
        if row.ended_on > today:
            check.fail("closed_on", _("%(date)s is in the future.") % {"date": row.ended_on})
        elif row.ended_on < row.reported_on:
            check.fail("closed_on", _("%(date)s is before the problem was found (%(found)s).")
                       % {"date": row.ended_on, "found": row.reported_on})
    last = row.ended_on or today
    for line in lines:
        on = line.on or last
        if not row.reported_on <= on <= last:
            check.fail("progress", _("Progress on %(date)s falls outside %(start)s to %(end)s.")
                       % {"date": on, "start": row.reported_on, "end": last})
        row.progress.append(ProgressLine(line.text, on))
