"""Evidence look-alikes: one upload's comparison against archives of 10,000 and 100,000 photos.

    .venv/bin/python bench/evidence_lookalikes.py                    # 10k and 100k, SQLite
    .venv/bin/python bench/evidence_lookalikes.py --sizes 10000 --uploads 50
    .venv/bin/python bench/evidence_lookalikes.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_lookalikes   # an existing database

For each size a fresh database (SQLite under var/bench/, or the PostgreSQL
database named, emptied of evidence first) gets the synthetic city, 200
problems and N photo rows bulk-inserted with their hash columns only (no image
files: the comparison reads nothing else). The hashes are random 64-bit
values, and one photo in 20 is a copy of an earlier one a few bits off, on
another problem, as re-posted photos are.

Measured, per upload, is what ``add_evidence`` adds for the comparison:
``record_lookalikes`` on a photo just saved — the band-index search, the
Hamming distances of its candidates and the insert of the pairs found — each
in a transaction rolled back afterwards, so that every upload meets the same
archive. Half the uploads are copies of archive photos a few bits off, half
unrelated pictures. Printed: p50, p95 and the largest time, the candidates
the bands brought back, the look-alikes found, the query plan of the search,
and, for scale, one scan of every hash in Python (what the problem page did on
every view before the pairs were stored).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = 200
SEED = 20261207


def environment(size: int, database_url: str | None) -> dict[str, str]:
    data_dir = ROOT / "var" / "bench" / f"lookalikes-{size}"
    data_dir.mkdir(parents=True, exist_ok=True)
    if database_url is None:
        for name in ("bench.sqlite3", "bench.sqlite3-wal", "bench.sqlite3-shm"):
            (data_dir / name).unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        ECOLEDGER_DATA_DIR=str(data_dir),
        ECOLEDGER_DATABASE_URL=database_url or f"sqlite:///{data_dir / 'bench.sqlite3'}",
        ECOLEDGER_SECRET_KEY="bench-only-secret",
        ECOLEDGER_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="ecoledger.settings",
    )
    return env


def near(value: int, rng: random.Random, bits: int) -> int:
    for bit in rng.sample(range(64), bits):
        value ^= 1 << bit
    return value


def measure(size: int, uploads: int) -> dict[str, object]:
    """Run inside a process configured for one database (see main)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from ecoledger.ledger import integrity
    from ecoledger.ledger.choices import EvidenceStage
    from ecoledger.ledger.models import Evidence, Problem
    from ecoledger.lib import clock
    from ecoledger.lib.imagehash import hamming, is_featureless
    from ecoledger.org.choices import Role
    from ecoledger.org.models import User

    rng = random.Random(SEED)
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    Evidence.objects.all().delete()
    missing = max(0, PROBLEMS - Problem.objects.count())
    call_command("seed", problems=missing, stdout=io.StringIO())
    problems = list(Problem.objects.order_by("pk").values_list("pk", flat=True)[:PROBLEMS])
    user = User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()
    now = clock.now()

    def photo(problem: int, value: int) -> Evidence:
        perceptual_hash = f"{value:016x}"
        return Evidence(problem_id=problem, stage=EvidenceStage.AFTER, file="evidence/bench.jpg",
                        original_name="bench.jpg", content_type="image/jpeg", size=1,
                        sha256=f"{rng.getrandbits(256):064x}", uploaded_by=user,
                        uploaded_at=now, perceptual_hash=perceptual_hash,
                        **integrity.hash_bands(perceptual_hash))

    hashes: list[int] = []
    for _ in range(size):
        value = (near(rng.choice(hashes), rng, rng.randint(0, 4))
                 if hashes and rng.random() < 0.05 else rng.getrandbits(64))
        hashes.append(value)
    Evidence.objects.bulk_create((photo(rng.choice(problems), value) for value in hashes),
                                 batch_size=5000)
    if connection.vendor == "postgresql":
        # What autovacuum does after a load this size: without statistics the planner
        # guesses the table is small and scans it.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ledger_evidence")
    loaded = time.monotonic() - started

    timings, candidates, found = [], [], []
    for index in range(uploads):
        value = (near(rng.choice(hashes), rng, rng.randint(0, 5)) if index % 2 == 0
                 else rng.getrandbits(64))
        with transaction.atomic():
            new = photo(rng.choice(problems), value)
            new.save()
            search = integrity.lookalike_candidates(new)
            candidates.append(search.count())
            begun = time.perf_counter()
            found.append(integrity.record_lookalikes(new))
            timings.append((time.perf_counter() - begun) * 1000)
            if index == 0:
                plan = search.explain()
            transaction.set_rollback(True)
    timings.sort()

    query = f"{rng.getrandbits(64):016x}"
    scans = []
    for _ in range(3):
        begun = time.perf_counter()
        rows = (Evidence.objects.exclude(perceptual_hash="")
                .values_list("perceptual_hash", "sha256", "problem__code"))
        for other, _digest, _code in rows.iterator(chunk_size=5000):
            if not is_featureless(other):
                hamming(query, other)
        scans.append((time.perf_counter() - begun) * 1000)
    return {
        "database": connection.vendor,
        "loaded_s": loaded,
        "p50": statistics.median(timings),
        "p95": timings[max(0, int(len(timings) * 0.95) - 1)],
        "max": timings[-1],
        "candidates": statistics.mean(candidates),
        "found": sum(found),
        "uploads": uploads,
        "scan_ms": statistics.median(scans),
        "plan": plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--database-url", help="an existing PostgreSQL database (emptied of "
                                               "evidence); default a fresh SQLite file")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.uploads)))
        return
    print("$ " + shlex.join([".venv/bin/python", "bench/evidence_lookalikes.py", *sys.argv[1:]]))
    threshold = os.environ.get("ECOLEDGER_EVIDENCE_HASH_DISTANCE", "6")
    print(f"threshold {threshold} bits; {args.uploads} uploads per size, each rolled back")
    for size in args.sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--measure", str(size), "--uploads", str(args.uploads)],
            env=environment(size, args.database_url), check=True, capture_output=True,
            text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        print(f"\n{size:>7,} photos ({result['database']}, loaded in {result['loaded_s']:.0f} s): "
              f"one upload's comparison p50 {result['p50']:.2f} ms, p95 {result['p95']:.2f} ms, "
              f"max {result['max']:.2f} ms")
        print(f"  band candidates per upload {result['candidates']:.1f} on average; "
              f"look-alikes found {result['found']} in {result['uploads']} uploads")
        print(f"  for scale: scanning every hash in Python {result['scan_ms']:.0f} ms")
        print(f"  plan of the search: {outline(result['plan'])}")


def outline(plan: str) -> str:
    """The access paths of a query plan (SQLite's or PostgreSQL's), without the values."""
    steps = []
    for line in plan.splitlines():
        text = line.strip().removeprefix("->").strip()
        if text[:1].isdigit():  # SQLite: "id parent notused detail"
            text = text.split(" ", 3)[-1]
        if any(word in text for word in ("SCAN", "SEARCH", "MULTI-INDEX", "Scan", "BitmapOr")):
            steps.append(text.split("(")[0].strip())
    return "; ".join(steps)


if __name__ == "__main__":
    main()
