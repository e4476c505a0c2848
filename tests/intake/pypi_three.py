"""``three`` (PyPI 0.8.0, Code for America's Open311 client) made importable on Python 3.

``three`` is the PyPI client that can post a GeoReport v2 request, but it was
written for Python 2 (``itertools.ifilter``, ``urlparse``). Its installed
source is translated by the standard library's own 2to3 into a temporary
folder and imported from there, so the test drives the client's real code
paths — its form encoding, its endpoint handling, its JSON and XML parsing.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import warnings
from importlib import metadata
from pathlib import Path
from types import ModuleType


def load_three(folder: Path) -> ModuleType:
    source = Path(str(metadata.distribution("three").locate_file("three")))
    target = folder / "three"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from lib2to3.main import main as two_to_three

        status = two_to_three("lib2to3.fixes", ["--write", "--nobackups", "--no-diffs", "-j", "1",
                                                str(target)])
    if status:
        raise RuntimeError(f"2to3 could not translate {source}")
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("three")
    finally:
        sys.path.remove(str(folder))
