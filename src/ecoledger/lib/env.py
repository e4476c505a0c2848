"""Typed readers for ``ECOLEDGER_*`` environment variables.

Settings fail loudly: a malformed value stops the process with a message that
names the variable, rather than running with a silently guessed default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

PREFIX = "ECOLEDGER_"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(PREFIX + name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(PREFIX + name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{PREFIX}{name}={raw!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(PREFIX + name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{PREFIX}{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{PREFIX}{name}={value} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(PREFIX + name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int_list(name: str, default: list[int], *, minimum: int = 0) -> list[int]:
    """Comma-separated whole numbers (``30,90,180``), sorted, each at least ``minimum``."""
    raw = os.environ.get(PREFIX + name)
    if raw is None:
        return list(default)
    return parse_int_list(raw, f"{PREFIX}{name}", minimum=minimum)


def parse_int_list(raw: str, where: str, *, minimum: int = 0) -> list[int]:
    values = []
    for item in (part.strip() for part in raw.split(",")):
        try:
            value = int(item)
        except ValueError:
            raise ImproperlyConfigured(f"{where}={raw!r}: {item!r} is not an integer") from None
        if value < minimum:
            raise ImproperlyConfigured(f"{where}={raw!r}: {value} must be at least {minimum}")
        values.append(value)
    return sorted(set(values))


def env_int_lists(name: str, keys: list[str], *, minimum: int = 0) -> dict[str, list[int]]:
    """Lists of whole numbers per key: ``water=30,90,180,365;noise=30`` (keys checked)."""
    raw = os.environ.get(PREFIX + name, "").strip()
    found: dict[str, list[int]] = {}
    for part in (piece.strip() for piece in raw.split(";") if piece.strip()):
        key, sep, values = part.partition("=")
        key = key.strip()
        if not sep or key not in keys:
            raise ImproperlyConfigured(
                f"{PREFIX}{name}: {part!r} is not KEY=N,N,… with KEY one of {', '.join(keys)}"
            )
        found[key] = parse_int_list(values, f"{PREFIX}{name} ({key})", minimum=minimum)
    return found


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(PREFIX + name)
    return Path(raw).expanduser().resolve() if raw else default


def database_from_url(url: str, *, data_dir: Path) -> dict[str, Any]:
    """Translate ``sqlite:///path`` or ``postgres://user:pw@host:port/name`` to Django's form.

    A relative SQLite path is taken inside the data directory, so that the
    default deployment keeps everything it owns in one place.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        raw_path = unquote(parts.path)
        if raw_path.startswith("/"):
            raw_path = raw_path[1:]
        path = Path(raw_path)
        if not path.is_absolute():
            path = data_dir / path
        return sqlite_database(path)
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"{PREFIX}DATABASE_URL names no database: {url!r}")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"{PREFIX}DATABASE_URL scheme {scheme!r} is not supported (use sqlite:// or postgres://)"
    )


def sqlite_database(path: Path) -> dict[str, Any]:
    """SQLite tuned for a multi-process web server.

    WAL lets readers run beside the one writer; IMMEDIATE transactions take the
    write lock at BEGIN, so two writers queue on the busy timeout instead of
    failing with "database is locked" halfway through.
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # A file connection never goes stale; reopening it (and rerunning the PRAGMAs)
        # for every request or receiver batch is pure cost.
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA temp_store=MEMORY;"
                "PRAGMA cache_size=-65536;"
                "PRAGMA mmap_size=268435456;"
            ),
        },
    }
