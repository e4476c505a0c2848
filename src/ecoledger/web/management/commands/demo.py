"""``ecoledger demo``: migrate, seed the synthetic city once, print the logins, serve."""

from __future__ import annotations

import random
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from ecoledger.demo.assessment import seed_assessment
from ecoledger.demo.live import LiveMonitoring, LiveMonitoringError
from ecoledger.demo.monitoring import seed_monitoring
from ecoledger.intake.choices import ComplaintStatus
from ecoledger.intake.models import Complaint
from ecoledger.lib import clock
from ecoledger.monitoring.air_quality import station_aqi
from ecoledger.org.choices import Role
from ecoledger.org.models import User

DEMO_PASSWORD = "ecoledger-demo"
SEED = 20260101


class Command(BaseCommand):
    help = "Run EcoLedger on SQLite with a synthetic city (ecoledger demo [--reset])."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="start over with a new city")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--problems", type=int, default=600)
        parser.add_argument("--no-serve", action="store_true", help="seed only, do not serve")
        parser.add_argument("--no-live", action="store_true",
                            help="serve without the live receiver, simulated devices and worker")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not User.objects.exists():
            self._seed(options["problems"])
        else:
            self.stdout.write("Reusing the demo data in " + str(settings.DATA_DIR))
        self._print_logins(options["host"], options["port"])
        self._print_air_quality()
        if options["no_serve"]:
            return
        if options["no_live"]:
            call_command("serve", host=options["host"], port=options["port"])
            return
        try:
            with LiveMonitoring(settings.DATA_DIR) as live:
                self.stdout.write(
                    f"Live monitoring: HJ 212 receiver on 127.0.0.1:{live.port} (metrics "
                    f"http://127.0.0.1:{live.metrics_port}/metrics), simulated devices, "
                    f"worker; logs in {live.logs}"
                )
                call_command("serve", host=options["host"], port=options["port"])
        except LiveMonitoringError as error:
            raise CommandError(f"{error}. Without live monitoring: --no-live") from None

    def _seed(self, problems: int) -> None:
        from ecoledger.demo.city import build_city, seed_history

        self.stdout.write("Building the synthetic city (first run only) …")
        started = time.monotonic()
        rng = random.Random(SEED)
        city = build_city(rng, password=DEMO_PASSWORD)
        report = seed_history(city, rng, problems=problems)
        monitoring = seed_monitoring(rng, now=clock.now())
        scheme = seed_assessment(city.supervisors[0])
        self.stdout.write(
            f"Seeded {problems} problems in {time.monotonic() - started:.0f} s: {report}; "
            f"{monitoring}; assessment scheme {scheme.year} adopted"
        )

    def _print_air_quality(self) -> None:
        stations = station_aqi()
        if not stations:
            return
        self.stdout.write("Air quality (real-time AQI):")
        for station in stations:
            now = station["real_time"]
            figure = f"AQI {now['aqi']} {now['category']}" if now else "—"
            self.stdout.write(f"  {station['name']:<20} {figure}")

    def _print_logins(self, host: str, port: int) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"EcoLedger demo: http://{host}:{port}/"))
        self.stdout.write(f"API: http://{host}:{port}/api/v1/  docs: http://{host}:{port}/api/docs/")
        self.stdout.write(f"Logins (password for all: {DEMO_PASSWORD}):")
        for role in Role:
            people = User.objects.filter(role=role, is_active=True).exclude(
                password__startswith=UNUSABLE_PASSWORD_PREFIX
            )
            user = people.order_by("username").first()
            if user:
                self.stdout.write(f"  {user.username:<14} {role.value:<20} {user.unit_label}")
        admin = User.objects.filter(is_superuser=True).order_by("username").first()
        if admin:
            self.stdout.write(f"  {admin.username:<14} {'administrator':<20} /admin/")
        self._print_tracking(host, port)
        self.stdout.write("")

    def _print_tracking(self, host: str, port: int) -> None:
        """A complaint's code to try the public tracking page with: an answered one shows it all."""
        complaints = Complaint.objects.order_by("-updated_at", "-pk")
        complaint = (complaints.filter(status=ComplaintStatus.ANSWERED).first()
                     or complaints.first())
        if complaint:
            path = reverse("intake:track-detail", args=[complaint.tracking_code])
            self.stdout.write(f"Track a complaint (public, no login): tracking code "
                              f"{complaint.tracking_code}, http://{host}:{port}{path}")
