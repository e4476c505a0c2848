"""Test settings: the product's settings with a file database that threads can share."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("ECOLEDGER_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ECOLEDGER_DATA_DIR", tempfile.mkdtemp(prefix="ecoledger-test-"))

from ecoledger.settings import *  # noqa: F403
from ecoledger.settings import DATA_DIR, DATABASES

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not Django's shared-cache memory database: concurrency tests run
    # real threads with their own connections, as gunicorn workers would.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(DATA_DIR) / "test.sqlite3")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405
