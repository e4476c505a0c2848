from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ecoledger.lib.env import database_from_url, env_bool, env_int


def test_a_relative_sqlite_path_lives_in_the_data_directory(tmp_path):
    config = database_from_url("sqlite:///ledger.sqlite3", data_dir=tmp_path)

    assert config["NAME"] == str(tmp_path / "ledger.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_an_absolute_sqlite_path_stays(tmp_path):
    config = database_from_url("sqlite:////srv/eco/db.sqlite3", data_dir=tmp_path)

    assert config["NAME"] == "/srv/eco/db.sqlite3"


def test_a_postgres_url_becomes_django_settings():
    config = database_from_url("postgres://eco:p%40ss@db.local:6432/ledger?sslmode=require",
                               data_dir=Path("/x"))

    assert (config["NAME"], config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "ledger", "eco", "p@ss", "db.local", "6432")
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_an_unknown_scheme_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="ECOLEDGER_DATABASE_URL"):
        database_from_url("mysql://x/y", data_dir=Path("/x"))


def test_malformed_values_name_the_variable(monkeypatch):
    monkeypatch.setenv("ECOLEDGER_WARNING_DAYS", "seven")
    monkeypatch.setenv("ECOLEDGER_DEBUG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="ECOLEDGER_WARNING_DAYS='seven'"):
        env_int("WARNING_DAYS", 7)
    with pytest.raises(ImproperlyConfigured, match="ECOLEDGER_DEBUG"):
        env_bool("DEBUG")
