"""Integrity flags on evidence photos: what an acceptor should look at twice.

Flags, not verdicts: a phone with its clock wrong, or with location turned
off, raises them as surely as a photo from last year's file. Each flag says
what was found, so the acceptor can judge it.

- capture time (EXIF) outside the rectification period (from the day the
  clock started to the upload, for photos during and after rectification);
- GPS position farther than ``EVIDENCE_MAX_DISTANCE_M`` from the problem;
- no EXIF at all (no capture time, position or camera);
- the same file (SHA-256) or a near-duplicate (perceptual hash within
  ``EVIDENCE_HASH_DISTANCE`` bits) already used on another problem, or, when
  a photo has no perceptual hash (its file could not be read), that it was
  not compared.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoledger.ledger.choices import EvidenceStage
from ecoledger.ledger.models import Evidence, Problem
from ecoledger.lib.geo import distance_m
from ecoledger.lib.imagehash import hamming, is_featureless

# A camera clock a little ahead of the server's is common, not suspicious.
CLOCK_SLACK = timedelta(hours=1)
DATED_STAGES = frozenset({EvidenceStage.DURING, EvidenceStage.AFTER})


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


def flags_for(problem: Problem, photos: list[Evidence]) -> dict[int, list[Flag]]:
    """The flags of each photo of one problem, by evidence id (photos without flags absent)."""
    photos = [item for item in photos if item.is_image]
    others = _elsewhere(problem, photos)
    flags: dict[int, list[Flag]] = {}
    for item in photos:
        found = [*_own_flags(problem, item), *others.get(item.pk, [])]
        if found:
            flags[item.pk] = found
    return flags


def _own_flags(problem: Problem, item: Evidence) -> list[Flag]:
    if item.taken_at is None and item.photo_latitude is None and not item.camera:
        return [Flag("no_exif", _("No EXIF at all: no capture time, position or camera."))]
    found = []
    period = _period(problem, item)
    if item.taken_at is not None and period is not None:
        start, end = period
        if not start <= item.taken_at <= end:
            found.append(Flag("time", _(
                "Taken %(taken)s, outside the rectification period (%(start)s to %(end)s)."
            ) % {"taken": _local(item.taken_at), "start": _local(start), "end": _local(end)}))
    if item.photo_latitude is not None and problem.latitude is not None:
        metres = distance_m(item.photo_longitude, item.photo_latitude,  # type: ignore[arg-type]
                            problem.longitude, problem.latitude)  # type: ignore[arg-type]
        if metres > settings.EVIDENCE_MAX_DISTANCE_M:
            found.append(Flag("far", _("Taken %(m)s m from the problem (more than %(limit)s m).")
                              % {"m": f"{metres:.0f}", "limit": settings.EVIDENCE_MAX_DISTANCE_M}))
    return found


def _period(problem: Problem, item: Evidence) -> tuple[datetime, datetime] | None:
    if item.stage not in DATED_STAGES or problem.started_on is None:
        return None
    start = datetime.combine(problem.started_on, time.min, timezone.get_current_timezone())
    return start, item.uploaded_at + CLOCK_SLACK


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _elsewhere(problem: Problem, photos: list[Evidence]) -> dict[int, list[Flag]]:
    """Same or near-duplicate photos on other problems, named by the other problem's code."""
    found: dict[int, list[Flag]] = defaultdict(list)
    for pk, codes in _same_files(problem, photos).items():
        found[pk].append(Flag("same", _("The same file is evidence on %(codes)s.") % {
            "codes": ", ".join(sorted(codes))}))
    for pk, codes in _look_alikes(problem, photos).items():
        found[pk].append(Flag("similar", _("A photo that looks the same is evidence on "
                                           "%(codes)s.") % {"codes": ", ".join(sorted(codes))}))
    for item in photos:
        if not item.perceptual_hash:
            found[item.pk].append(Flag("unhashed", _(
                "Not compared with other problems' photos: it could not be read as an image.")))
    return found


def _same_files(problem: Problem, photos: list[Evidence]) -> dict[int, set[str]]:
    by_digest = {item.sha256: item for item in photos}
    same = (Evidence.objects.filter(sha256__in=list(by_digest)).exclude(problem=problem)
            .values_list("sha256", "problem__code").distinct())
    codes: dict[int, set[str]] = defaultdict(set)
    for digest, code in same:
        codes[by_digest[digest].pk].add(code)
    return codes


def _look_alikes(problem: Problem, photos: list[Evidence]) -> dict[int, set[str]]:
    """Photos a few bits of perceptual hash apart (not the same file: that is ``_same_files``).

    Compared in Python over every other hashed photo: one pass of XORs, a
    fraction of a second at a city's scale. Featureless pictures are left out
    (see ``is_featureless``).
    """
    hashed = [item for item in photos
              if item.perceptual_hash and not is_featureless(item.perceptual_hash)]
    codes: dict[int, set[str]] = defaultdict(set)
    if not hashed:
        return codes
    candidates = (Evidence.objects.exclude(problem=problem).exclude(perceptual_hash="")
                  .values_list("perceptual_hash", "sha256", "problem__code"))
    limit = settings.EVIDENCE_HASH_DISTANCE
    for other_hash, digest, code in candidates.iterator(chunk_size=5000):
        if is_featureless(other_hash):
            continue
        for item in hashed:
            if digest != item.sha256 and hamming(item.perceptual_hash, other_hash) <= limit:
                codes[item.pk].add(code)
    return codes
