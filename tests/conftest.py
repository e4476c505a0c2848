from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from ecoledger.audit.guards import install_guards, remove_guards
from tests.factories import City, make_city


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Cached figures (navigation counts) must not leak from one test into the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def _language_back() -> Iterator[None]:
    """A page asked for in Chinese leaves Chinese active (LocaleMiddleware does not reset it):
    the next test on the worker must start in the tests' own language again."""
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.fixture
def city(db) -> City:
    return make_city()


@pytest.fixture
def _guards_back_after_flush(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        install_guards(connection)


@pytest.fixture
def committed_db(_guards_back_after_flush, transactional_db):
    """Real commits (threads, raw SQL), as in production.

    The flush that empties the database after such a test must delete audit
    events, which the append-only triggers forbid: they are lifted for the
    flush and put back after it.
    """
    yield
    remove_guards(connection)
