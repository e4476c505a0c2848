"""Linking related problems: the same source, the same river or basin, the same area."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.audit.services import record
from ecoledger.ledger import workflow
from ecoledger.ledger.choices import Action, LinkKind
from ecoledger.ledger.models import Problem, ProblemLink
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.models import User


@transaction.atomic
def link_problems(
    problem: Problem, other: Problem, *, acting_user: User, kind: str, note: str = ""
) -> ProblemLink:
    row = workflow.authorize(problem, Action.LINK, acting_user, {"kind": kind})
    if kind not in LinkKind.values:
        raise InvalidInput.field("kind", _("Choose one of: %(values)s.") % {
            "values": ", ".join(LinkKind.values)})
    if other.pk == problem.pk:
        raise InvalidInput.field("other", _("A problem cannot be linked to itself."))
    if not Problem.objects.visible_to(acting_user).filter(pk=other.pk).exists():
        raise InvalidInput.field("other", _("The other problem is outside your scope."))
    low, high = sorted((problem, other), key=lambda p: p.pk)
    if ProblemLink.objects.filter(from_problem=low, to_problem=high).exists():
        raise InvalidInput.field("other", _("These problems are already linked."))
    link = ProblemLink.objects.create(
        from_problem=low, to_problem=high, kind=kind, note=note.strip(),
        created_by=acting_user, created_at=clock.now(),
    )
    workflow.apply(
        problem, row, acting_user, target=link,
        effects=lambda: {"linked": [None, f"{other.code} ({kind})"]},
    )
    # The other problem's timeline shows the link too.
    record("ledger.problem.linked", actor=acting_user, target=link, subject=other,
           changes={"linked": [None, f"{problem.code} ({kind})"]})
    return link


def related_problems(problem: Problem) -> list[tuple[ProblemLink, int]]:
    """Links of a problem with the id of the problem on the other end."""
    links = ProblemLink.objects.filter(from_problem=problem) | ProblemLink.objects.filter(
        to_problem=problem
    )
    return [
        (link, link.to_problem_id if link.from_problem_id == problem.pk else link.from_problem_id)
        for link in links.order_by("created_at")
    ]
