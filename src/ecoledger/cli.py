"""``ecoledger``: the one command-line entry.

``ecoledger serve``, ``ecoledger demo``, ``ecoledger audit verify`` and every
Django management command (``ecoledger migrate``, ``ecoledger createsuperuser``)
all run through Django's command machinery with EcoLedger's settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "demo":
        from ecoledger.demo.environment import prepare_demo_environment

        prepare_demo_environment(args[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoledger.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ecoledger", *args[1:]])


if __name__ == "__main__":
    main()
