"""Ledger import at scale: a 10,000-row Excel ledger imported through the ledger's batch import.

    .venv/bin/python bench/ledger_import.py                # 10,000 rows
    .venv/bin/python bench/ledger_import.py --rows 2000
    .venv/bin/python bench/ledger_import.py --database postgres   # 127.0.0.1:5432

Each run starts a fresh database (SQLite under var/bench/ledger-import/, or
PostgreSQL's ecoledger_bench_import, dropped afterwards) with
the synthetic city (``ecoledger seed --problems 0``), generates a ledger from
its districts, towns and departments with the mix of states a year-old
ledger has (most rows closed, with measures, progress and acceptance), and
times the commands a user runs: the dry run, then the import (which checks
the file again, as the dry run does, before making its problems). Printed:
each command, its wall time and the CPU time it used (on a shared machine
the second tells what an idle one would take; with PostgreSQL it leaves out
the server's share), and rows per second.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "var" / "bench" / "ledger-import"
ECOLEDGER = [sys.executable, "-m", "ecoledger.cli"]
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "ecoledger_bench_import"
DATABASE_URLS = {
    "sqlite": f"sqlite:///{DATA_DIR / 'bench.sqlite3'}",
    "postgres": f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}",
}
STATES = [("已销号", 0.60), ("整改中", 0.20), ("待验收", 0.08), ("已交办", 0.06), ("待核实", 0.06)]
HEADER = ["序号", "问题编号", "问题来源", "所属区县", "所属乡镇(街道)", "问题类型", "问题描述",
          "整改目标", "整改措施", "责任单位", "责任人", "发现时间", "整改时限", "整改进展",
          "完成情况", "验收情况", "销号时间"]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ECOLEDGER_DATA_DIR=str(DATA_DIR),
        ECOLEDGER_DATABASE_URL=os.environ.get("ECOLEDGER_BENCH_DATABASE_URL",
                                              DATABASE_URLS["sqlite"]),
        ECOLEDGER_SECRET_KEY="bench-only-secret",
        ECOLEDGER_LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def generate(path: Path, rows: int) -> str:
    """Write the ledger from the city in the database; return a supervisor's username."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoledger.settings")
    django.setup()
    from openpyxl import Workbook

    from ecoledger.org.choices import RegionLevel, Role
    from ecoledger.org.models import Department, Region, User

    rng = random.Random(20260101)
    towns = list(Region.objects.filter(level=RegionLevel.TOWN).select_related("district"))
    departments = list(Department.objects.values_list("name", flat=True))
    today = date.today()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("整改台账")
    sheet.append(HEADER)
    for number in range(1, rows + 1):
        town = rng.choice(towns)
        status = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
        found = today - timedelta(days=rng.randint(60, 365))
        deadline = found + timedelta(days=rng.randint(30, 120))
        ended = min(found + timedelta(days=rng.randint(10, 150)), today - timedelta(days=1))
        started = status in ("整改中", "待验收", "已销号")
        progress = min(ended if status != "整改中" else today, found + timedelta(days=5))
        sheet.append([
            number, f"BENCH-{number:05d}", rng.choice(["督察交办", "群众投诉", "日常巡查"]),
            town.district.name, town.name, rng.choice(["大气", "水", "固体废物", "噪声"]),
            f"问题 {number}：{town.name}发现的环境问题，需要整改。",
            "问题彻底整改到位" if status != "待核实" else None,
            f"1. 清理现场（{town.name}，{deadline:%Y-%m-%d}）\n2. 建立长效机制（{town.name}，"
            f"{deadline:%Y-%m-%d}）" if status != "待核实" else None,
            f"{town.district.name}、{rng.choice(departments)}" if status != "待核实" else None,
            f"责任人{number % 97}", found.isoformat(),
            deadline.isoformat() if status != "待核实" else None,
            f"{progress:%Y-%m-%d} 已开展现场清理" if started else None,
            status, "现场核查合格" if status == "已销号" else None,
            ended.isoformat() if status == "已销号" else None,
        ])
    book.save(path)
    supervisor = User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()
    return supervisor.username


def timed(arguments: list[str]) -> tuple[float, float]:
    """Run ``ecoledger`` with these arguments; print the command and its last line.

    Returns the wall seconds and the CPU seconds (user and system) it took.
    """
    print("$ ecoledger " + " ".join(arguments), flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run([*ECOLEDGER, *arguments], env=environment(), capture_output=True,
                            text=True)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):  # 1: some rows refused, which the report lists
        sys.exit(result.stderr)
    print("  " + (result.stdout.strip().splitlines() or [""])[-1], flush=True)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database", choices=sorted(DATABASE_URLS), default="sqlite")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        print(generate(args.generate, args.rows))
        return
    print("$ " + " ".join([".venv/bin/python", "bench/ledger_import.py", *sys.argv[1:]]))
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    DATA_DIR.mkdir(parents=True)
    os.environ["ECOLEDGER_BENCH_DATABASE_URL"] = DATABASE_URLS[args.database]
    if args.database == "postgres":
        _postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
        _postgres(f"CREATE DATABASE {POSTGRES_DATABASE}")
    try:
        run(args)
    finally:
        if args.database == "postgres":
            _postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")


def _postgres(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def run(args: argparse.Namespace) -> None:
    """Migrate and seed the city, write the ledger, time the dry run and the import."""
    env = environment()
    subprocess.run([*ECOLEDGER, "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([*ECOLEDGER, "seed", "--problems", "0"], env=env, check=True,
                   capture_output=True)
    ledger = DATA_DIR / f"ledger-{args.rows}.xlsx"
    supervisor = subprocess.run(
        [sys.executable, __file__, "--generate", str(ledger), "--rows", str(args.rows)],
        env=env, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    command = ["import", "ledger", str(ledger), "--user", supervisor]
    for name, arguments in (("dry run", [*command, "--dry-run"]), ("import", command)):
        wall, cpu = timed(arguments)
        print(f"  {name}: {args.rows:,} rows in {wall:.1f} s ({args.rows / wall:,.1f} rows/s), "
              f"{cpu:.1f} s of CPU ({args.rows / cpu:,.1f} rows per CPU second)", flush=True)


if __name__ == "__main__":
    main()
