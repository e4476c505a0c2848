"""Ledger at scale: the filtered ledger list and the dashboard at 10,000 and 1,000,000 problems.

    .venv/bin/python bench/ledger_scale.py                 # 10k and 1M, 200 requests each
    .venv/bin/python bench/ledger_scale.py --sizes 10000 --requests 50

For each size a SQLite database is seeded once under var/bench/ (the synthetic
city plus N problems through the bulk path; the seeding time is printed) and
reused on later runs. Each endpoint is then requested in-process through
Django's full stack (middleware, authentication, scope, serialisation) and
the server time is measured per request. Printed: p50 and p95 per size, the
ratio of the 1M p95 to the 10k p95, and the SQL queries per request.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ECOLEDGER = [sys.executable, "-m", "ecoledger.cli"]


def environment(size: int) -> dict[str, str]:
    data_dir = ROOT / "var" / "bench" / f"problems-{size}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        ECOLEDGER_DATA_DIR=str(data_dir),
        ECOLEDGER_DATABASE_URL=f"sqlite:///{data_dir / 'bench.sqlite3'}",
        ECOLEDGER_SECRET_KEY="bench-only-secret",
        ECOLEDGER_LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def seed(size: int) -> float | None:
    """Seed once; return the seconds it took, or None when the database was already there."""
    env = environment(size)
    marker = Path(env["ECOLEDGER_DATA_DIR"]) / "seeded"
    subprocess.run([*ECOLEDGER, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
    if marker.exists():
        subprocess.run([*ECOLEDGER, "migrate", "-v", "0"], env=env, check=True)
        return None
    for name in ("bench.sqlite3", "bench.sqlite3-wal", "bench.sqlite3-shm"):
        (Path(env["ECOLEDGER_DATA_DIR"]) / name).unlink(missing_ok=True)
    subprocess.run([*ECOLEDGER, "migrate", "-v", "0"], env=env, check=True)
    started = time.monotonic()
    subprocess.run([*ECOLEDGER, "seed", "--problems", str(size)], env=env, check=True)
    seconds = time.monotonic() - started
    marker.write_text(f"{seconds:.1f}\n")
    return seconds


def measure(requests: int) -> dict[str, dict[str, float]]:
    """Run inside a process configured for one database (see main)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoledger.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ecoledger.org.choices import Role
    from ecoledger.org.models import User

    settings.ALLOWED_HOSTS.append("testserver")
    supervisor = User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()
    officer = User.objects.filter(role=Role.REGION_OFFICER, region__level="district").order_by(
        "username").first()
    district = officer.region
    list_url = (f"/api/v1/problems/?region={district.pk}&status=rectifying&overdue=true"
                "&ordering=deadline")
    page_url = (f"/problems/?region={district.pk}&status=rectifying&overdue=true"
                "&ordering=deadline")
    cases = {
        "list (district+status+overdue, by deadline) as supervisor": (supervisor, list_url),
        "list (same filter) as the district's officer": (officer, list_url),
        "dashboard as supervisor": (supervisor, "/api/v1/dashboard/"),
        "dashboard as the district's officer": (officer, "/api/v1/dashboard/"),
        "page: dashboard as supervisor": (supervisor, "/"),
        "page: dashboard as the district's officer": (officer, "/"),
        "page: map regions as supervisor": (supervisor, "/dashboard/regions.json"),
        "page: map problems as supervisor": (supervisor, "/dashboard/problems.json"),
        "page: weekly flow as supervisor": (supervisor, "/dashboard/flow.json"),
        "page: ledger list (same filter) as supervisor": (supervisor, page_url),
        "page: ledger list (same filter) as the officer": (officer, page_url),
    }
    results: dict[str, dict[str, float]] = {}
    for name, (user, url) in cases.items():
        client = Client()
        client.force_login(user)
        for _ in range(max(5, requests // 10)):
            assert client.get(url).status_code == 200
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings.sort()
        results[name] = {
            "p50": statistics.median(timings),
            "p95": timings[int(len(timings) * 0.95) - 1],
            "queries": len(queries),
        }
    results["page weight"] = page_weight(Client(), supervisor)
    return results


def page_weight(client, user) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The dashboard's HTML plus the platform's own JS and CSS it loads (vendored excluded).

    The files are read as collected (hashed names, as the server sends them).
    """
    import re

    from django.contrib.staticfiles.storage import staticfiles_storage

    client.force_login(user)
    html = client.get("/").content
    own = re.findall(rb'(?:src|href)="/static/(web/[^"]+)"', html)
    assets = sum(Path(staticfiles_storage.path(path.decode())).stat().st_size for path in set(own))
    return {"p50": len(html) / 1024, "p95": (len(html) + assets) / 1024, "queries": len(own)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.requests)))
        return
    command = " ".join([".venv/bin/python", "bench/ledger_scale.py", *sys.argv[1:]])
    print(f"$ {command}")
    by_size: dict[int, dict[str, dict[str, float]]] = {}
    for size in args.sizes:
        seconds = seed(size)
        seeded = "reused" if seconds is None else f"seeded in {seconds:.0f} s"
        print(f"{size:>9,} problems: {seeded}", flush=True)
        output = subprocess.run(
            [sys.executable, __file__, "--measure", "--requests", str(args.requests)],
            env=environment(size), check=True, capture_output=True, text=True,
        ).stdout
        by_size[size] = json.loads(output.strip().splitlines()[-1])
    report(by_size)


def report(by_size: dict[int, dict[str, dict[str, float]]]) -> None:
    sizes = sorted(by_size)
    small, large = sizes[0], sizes[-1]
    weight = by_size[large].pop("page weight")
    for figures in by_size.values():
        figures.pop("page weight", None)
    print(f"\ndashboard page weight: HTML {weight['p50']:.1f} KiB, with its own JS/CSS "
          f"({int(weight['queries'])} files) {weight['p95']:.1f} KiB (vendored libraries excluded)")
    header = f"{'endpoint':<56}" + "".join(f"{f'p50/p95 @{s:,}':>22}" for s in sizes)
    print()
    print(header + f"{'ratio p95':>11}{'queries':>9}")
    for name in by_size[small]:
        cells = "".join(
            f"{by_size[s][name]['p50']:>10.1f}/{by_size[s][name]['p95']:<7.1f} ms"[:22].rjust(22)
            for s in sizes
        )
        ratio = by_size[large][name]["p95"] / by_size[small][name]["p95"]
        print(f"{name:<56}{cells}{ratio:>10.2f}x{by_size[large][name]['queries']:>9}")


if __name__ == "__main__":
    main()
