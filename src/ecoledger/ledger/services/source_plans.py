"""One source, one policy (一源一策): a plan per pollution source, across its problems."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.audit.services import record
from ecoledger.ledger.models import Measure, RectificationPlan
from ecoledger.ledger.services.rectification import MeasureInput, write_measures
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput
from ecoledger.org.choices import Role
from ecoledger.org.models import PollutionSource, User

SOURCE_PLAN_ROLES = frozenset({Role.SUPERVISOR, Role.REGION_OFFICER, Role.ENTERPRISE})


def check_source_plan_right(source: PollutionSource, user: User) -> None:
    """Supervisors, the source's region and the owning enterprise keep its plan."""
    if user.role not in SOURCE_PLAN_ROLES:
        raise ActionRefused(_("Your role may not keep source plans."), code="refused_role")
    if not PollutionSource.objects.visible_to(user).filter(pk=source.pk).exists():
        raise ActionRefused(_("This pollution source is outside your scope."),
                            code="refused_scope")


@transaction.atomic
def save_source_plan(
    source: PollutionSource,
    *,
    acting_user: User,
    goal: str,
    measures: Sequence[MeasureInput],
    summary: str = "",
) -> RectificationPlan:
    check_source_plan_right(source, acting_user)
    if not goal.strip():
        raise InvalidInput.field("goal", _("This is required."))
    now = clock.now()
    plan, created = RectificationPlan.objects.get_or_create(
        source=source,
        defaults={"goal": goal.strip(), "updated_by": acting_user, "updated_at": now},
    )
    before_goal = None if created else plan.goal
    plan.goal, plan.summary = goal.strip(), summary.strip()
    plan.updated_by, plan.updated_at = acting_user, now
    plan.save()
    write_measures(plan, measures, acting_user, deadline=None)
    record(
        "ledger.source_plan.saved",
        actor=acting_user,
        target=plan,
        subject=source,
        changes={"goal": [before_goal, plan.goal], "measures": [None, len(measures)]},
    )
    return plan


@transaction.atomic
def set_source_measure_done(measure: Measure, *, acting_user: User, done: bool) -> Measure:
    source = measure.plan.source
    assert source is not None
    check_source_plan_right(source, acting_user)
    before = measure.done_at is not None
    if done and measure.done_at is None:
        measure.done_at, measure.done_by = clock.now(), acting_user
    elif not done:
        measure.done_at, measure.done_by = None, None
    measure.save(update_fields=["done_at", "done_by"])
    record(
        "ledger.source_plan.measure_marked",
        actor=acting_user,
        target=measure,
        subject=source,
        changes={"done": [before, done]},
    )
    return measure
