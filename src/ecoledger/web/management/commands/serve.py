"""``ecoledger serve``: the production web server (gunicorn), static files served by the app."""

from __future__ import annotations

from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.core.wsgi import get_wsgi_application
from django.db import connections
from gunicorn.app.base import BaseApplication


class WebServer(BaseApplication):
    """Gunicorn run from inside the process, so ``ecoledger`` stays the one entry point."""

    def __init__(self, application: WSGIHandler, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIHandler:
        return self.application


class Command(BaseCommand):
    help = "Serve EcoLedger with gunicorn; static files come from the app itself (WhiteNoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--access-log", default="-", help="file, or - for stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        application = get_wsgi_application()
        # Workers are forked: no database connection may cross the fork.
        connections.close_all()
        WebServer(
            application,
            {
                "bind": f"{options['host']}:{options['port']}",
                "workers": options["workers"],
                "worker_class": "gthread",
                "threads": options["threads"],
                "timeout": 120,
                "graceful_timeout": 20,
                "accesslog": options["access_log"],
                "errorlog": "-",
                "proc_name": "ecoledger-web",
            },
        ).run()
