"""``ecoledger aqi pm25=35 pm10=50 … [--daily] [--date YYYY-MM-DD]``: one sample's AQI.

Prints the JSON of ``standards.aqi_report``: the AQI, each pollutant's sub-index, the
primary pollutants, level, category, colour and the rule set used, which is the one in
force on ``--date`` (default: today). Wrong input is an error on stderr with exit
status 2, the usual status of a command-line usage error.
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecoledger.lib import clock
from ecoledger.monitoring.standards import INPUT_KEYS, aqi_report

USAGE_ERROR = 2


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


def parse_concentrations(pairs: list[str]) -> dict[str, float]:
    """``key=value`` pairs to concentrations; a CommandError names the first bad one."""
    values: dict[str, float] = {}
    for pair in pairs:
        key, sign, text = pair.partition("=")
        key = key.strip().lower()
        if not sign or not key:
            raise _usage(f"{pair!r}: write each concentration as key=value, e.g. pm25=35")
        if key not in INPUT_KEYS:
            raise _usage(f"{key!r} is not a pollutant; use one of {', '.join(INPUT_KEYS)}")
        if key in values:
            raise _usage(f"{key} is given twice")
        try:
            value = float(text)
        except ValueError:
            raise _usage(f"{key}={text!r}: the concentration is not a number") from None
        if not math.isfinite(value) or value < 0:
            raise _usage(f"{key}={text}: a concentration is a finite number, 0 or more")
        values[key] = value
    return values


def _usage(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


class Command(BaseCommand):
    help = (
        "Air Quality Index of one sample (µg/m³, CO in mg/m³), by HJ 633-2012 or HJ 633-2026 "
        "as in force on the date. Keys: " + ", ".join(INPUT_KEYS) + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "concentrations",
            nargs="+",
            metavar="key=value",
            help="e.g. pm25=35 pm10=50 so2=10 no2=40 co=0.8 o3_8h=120",
        )
        parser.add_argument(
            "--daily",
            action="store_true",
            help="a daily report (24 h means); default: real-time (1 h)",
        )
        parser.add_argument(
            "--date",
            type=_date,
            default=None,
            help="date of the data, YYYY-MM-DD; picks the rule set",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        values = parse_concentrations(options["concentrations"])
        on = options["date"] or clock.today()
        try:
            report = aqi_report(values, daily=options["daily"], on=on)
        except ValueError as error:
            raise _usage(str(error)) from None
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
