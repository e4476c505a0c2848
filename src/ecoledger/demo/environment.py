"""What ``ecoledger demo`` sets before Django starts: its own SQLite database and secret.

The demo always runs on SQLite in its data directory (``var/demo`` unless
ECOLEDGER_DATA_DIR says otherwise), whatever database the environment names
for production, so trying EcoLedger never touches a real ledger.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

DATABASE_NAME = "demo.sqlite3"


def demo_data_dir() -> Path:
    configured = os.environ.get("ECOLEDGER_DATA_DIR")
    return Path(configured).expanduser().resolve() if configured else Path.cwd() / "var" / "demo"


def reset(data_dir: Path) -> None:
    """Remove what the demo made (its database, uploads, collected static files) and only that."""
    for name in (DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm"):
        (data_dir / name).unlink(missing_ok=True)
    for folder in ("media", "static"):
        shutil.rmtree(data_dir / folder, ignore_errors=True)


def secret_key(data_dir: Path) -> str:
    """A random key kept in the data directory, so sessions survive a restart of the demo."""
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def prepare_demo_environment(args: list[str]) -> None:
    data_dir = demo_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    if "--reset" in args:
        reset(data_dir)
    os.environ["ECOLEDGER_DATA_DIR"] = str(data_dir)
    os.environ["ECOLEDGER_DATABASE_URL"] = f"sqlite:///{data_dir / DATABASE_NAME}"
    os.environ.setdefault("ECOLEDGER_SECRET_KEY", secret_key(data_dir))
