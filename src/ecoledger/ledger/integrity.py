"""Integrity flags on evidence photos: what an acceptor should look at twice.

Flags, not verdicts: a phone with its clock wrong, or with location turned
off, raises them as surely as a photo from last year's file. Each flag says
what was found, so the acceptor can judge it.

- capture time (EXIF) outside the rectification period (from the day the
  clock started to the upload, for photos during and after rectification),
  or an upload from before the clock last started (a round before a rebound);
- GPS position farther than ``EVIDENCE_MAX_DISTANCE_M`` from the problem;
- no EXIF at all (no capture time, position or camera);
- the same file (SHA-256) or a near-duplicate (perceptual hash within
  ``EVIDENCE_HASH_DISTANCE`` bits) used on another problem, or, when a photo
  has no perceptual hash (its file could not be read), that it was not
  compared.

The last are found once, when the later photo of a pair is stored
(``record_lookalikes``), and kept as ``EvidenceLookalike`` rows: showing the
flags reads them and never compares photos.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoledger.ledger.choices import EvidenceStage
from ecoledger.ledger.models import Evidence, EvidenceLookalike, Problem
from ecoledger.ledger.models.evidence import HASH_BAND_FIELDS
from ecoledger.lib.geo import distance_m
from ecoledger.lib.hashbands import bands, probes
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
    others = _elsewhere(photos)
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
    if period is not None and item.uploaded_at < period[0]:
        # Uploaded before the clock last started: the evidence of a round before a rebound.
        found.append(Flag("earlier_round", _(
            "Uploaded %(uploaded)s, before this round of rectification began (%(start)s): "
            "evidence of an earlier round.") % {"uploaded": _local(item.uploaded_at),
                                                 "start": _local(period[0])}))
    elif item.taken_at is not None and period is not None:
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


def _elsewhere(photos: list[Evidence]) -> dict[int, list[Flag]]:
    """Same or near-duplicate photos on other problems, named by the other problem's code.

    One query whatever the archive's size: the pairs were found when the
    photos were stored (``record_lookalikes``).
    """
    found: dict[int, list[Flag]] = defaultdict(list)
    same, similar = _paired(photos)
    for pk, codes in same.items():
        found[pk].append(Flag("same", _("The same file is evidence on %(codes)s.") % {
            "codes": ", ".join(sorted(codes))}))
    for pk, codes in similar.items():
        found[pk].append(Flag("similar", _("A photo that looks the same is evidence on "
                                           "%(codes)s.") % {"codes": ", ".join(sorted(codes))}))
    for item in photos:
        if not item.perceptual_hash:
            found[item.pk].append(Flag("unhashed", _(
                "Not compared with other problems' photos: it could not be read as an image.")))
    return found


def _paired(photos: list[Evidence]) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """The other problems' codes by photo: where the same file is, and where a look-alike is.

    Pairs farther apart than the threshold are left out, so lowering it takes
    effect at once.
    """
    same: dict[int, set[str]] = defaultdict(set)
    similar: dict[int, set[str]] = defaultdict(set)
    if not photos:
        return same, similar
    digests = {item.pk: item.sha256 for item in photos}
    pairs = (EvidenceLookalike.objects
             .filter(evidence__in=list(digests), distance__lte=settings.EVIDENCE_HASH_DISTANCE)
             .values_list("evidence_id", "other__sha256", "other__problem__code"))
    for pk, digest, code in pairs:
        (same if digest == digests[pk] else similar)[pk].add(code)
    return same, similar


def hash_bands(perceptual_hash: str) -> dict[str, int | None]:
    """The indexed band columns of a photo with this perceptual hash.

    Left empty for a photo that is not compared by look (no hash, or a
    featureless picture, see ``is_featureless``), so that no search finds it.
    """
    if not perceptual_hash or is_featureless(perceptual_hash):
        return dict.fromkeys(HASH_BAND_FIELDS)
    return dict(zip(HASH_BAND_FIELDS, bands(perceptual_hash), strict=True))


def record_lookalikes(evidence: Evidence) -> int:
    """Pair a photo just stored with the photos on other problems that are or look the same.

    The same file (SHA-256) and photos at most ``EVIDENCE_HASH_DISTANCE``
    bits of perceptual hash apart both count. Candidates come from the band
    indexes (``ecoledger.lib.hashbands``), not from a scan of the archive:
    one query however large it grows. Each pair is stored in both directions,
    so either problem's page finds it. Returns how many photos were paired.

    The caller runs this after writing the audit event: the audit chain's
    head row stays locked until commit (and SQLite runs one writing
    transaction at a time), so of two look-alikes stored at the same moment
    the later one's search sees the earlier one.
    """
    if not evidence.is_image:
        return 0
    candidates = lookalike_candidates(evidence).values_list("pk", "sha256", "perceptual_hash")
    limit = settings.EVIDENCE_HASH_DISTANCE
    distances: dict[int, int] = {}
    for pk, digest, other_hash in candidates:
        if digest == evidence.sha256:
            distances[pk] = 0
        elif (distance := hamming(evidence.perceptual_hash, other_hash)) <= limit:
            distances[pk] = distance
    EvidenceLookalike.objects.bulk_create(
        [pair for pk, distance in distances.items() for pair in (
            EvidenceLookalike(evidence_id=evidence.pk, other_id=pk, distance=distance),
            EvidenceLookalike(evidence_id=pk, other_id=evidence.pk, distance=distance))],
        ignore_conflicts=True,
    )
    return len(distances)


def lookalike_candidates(evidence: Evidence) -> QuerySet[Evidence]:
    """Photos on other problems with the same file, or with a band within reach of the photo's
    (when it is compared by look): a superset of its look-alikes, found through indexes."""
    condition = Q(sha256=evidence.sha256)
    if evidence.hash_band_0 is not None:
        values = probes(evidence.perceptual_hash, settings.EVIDENCE_HASH_DISTANCE)
        for name, reachable in zip(HASH_BAND_FIELDS, values, strict=True):
            condition |= Q(**{f"{name}__in": reachable})
    return (Evidence.objects.filter(condition).exclude(problem_id=evidence.problem_id)
            .order_by())
