"""Every user-facing string is in Chinese, and the language switch works as a user meets it.

Given the source as it is now, when its strings are extracted afresh (as `make messages`
does), then none is missing from the committed Simplified Chinese catalogue, none there is
empty or fuzzy, and the compiled catalogue matches it. A page opened without choosing a
language is in Chinese (the product's default); after the switch in the header it is in
English.
"""

from __future__ import annotations

import ast
import gettext
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

import ecoledger
from ecoledger.org.choices import Role
from tests.factories import make_user

PACKAGE = Path(ecoledger.__file__).parent
MESSAGES = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = MESSAGES / "django.po"
MO_FILE = MESSAGES / "django.mo"
# The same selection as `make messages`: the HJ 212 codec is pure Python without Django.
IGNORED = ["monitoring/hj212/*"]


@dataclass
class Entry:
    """One message of a .po file, as far as these checks need it."""

    context: str | None
    msgid: str
    plural: str | None
    translations: list[str]
    fuzzy: bool
    line: int

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return self.context, self.msgid, self.plural

    def label(self) -> str:
        context = f" (context {self.context!r})" if self.context else ""
        return f"line {self.line}: {self.msgid!r}{context}"


def read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (the header and obsolete #~ entries left out).

    gettext's tools write one entry per paragraph: comments, then keywords with a C string
    literal each, continued on lines of literals.
    """
    entries: list[Entry] = []
    line_number = 1
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        fuzzy = False
        keyword = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
            elif line.startswith('"'):
                fields[keyword] += ast.literal_eval(line)
            elif line and not line.startswith("#"):
                keyword, _, literal = line.partition(" ")
                fields[keyword] = ast.literal_eval(literal)
        if fields.get("msgid"):
            translations = [text for name, text in fields.items() if name.startswith("msgstr")]
            entries.append(Entry(fields.get("msgctxt"), fields["msgid"],
                                 fields.get("msgid_plural"), translations, fuzzy, line_number))
        line_number += block.count("\n") + 2
    return entries


def fresh_extraction(workdir: Path, settings) -> list[Entry]:
    """Run makemessages over a copy of the source, merged with the committed catalogue.

    A copy, because makemessages writes into every ``locale`` folder it walks past.
    """
    source = workdir / "ecoledger"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns(
        "__pycache__", "locale", "var", "static", "*.mo"))
    copy = source / "locale" / "zh_Hans" / "LC_MESSAGES"
    copy.mkdir(parents=True)
    shutil.copy(PO_FILE, copy / "django.po")
    settings.LOCALE_PATHS = [source / "locale"]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(source)
        call_command("makemessages", locale=["zh_Hans"], ignore_patterns=IGNORED,
                     no_obsolete=True, verbosity=0)
    return read_po(copy / "django.po")


def test_every_string_in_the_source_is_in_the_catalogue(tmp_path, settings):
    committed = {entry.key for entry in read_po(PO_FILE)}

    missing = [entry.label() for entry in fresh_extraction(tmp_path, settings)
               if entry.key not in committed]

    assert not missing, (
        "strings missing from the Chinese catalogue; run `make messages` and translate them "
        "in src/ecoledger/locale/zh_Hans/LC_MESSAGES/django.po:\n" + "\n".join(missing))


def test_every_string_in_the_catalogue_has_a_checked_translation():
    entries = read_po(PO_FILE)

    untranslated = [entry.label() for entry in entries
                    if entry.fuzzy or not all(entry.translations)]

    assert entries, f"no messages read from {PO_FILE}"
    assert not untranslated, "empty or fuzzy translations:\n" + "\n".join(untranslated)


def test_the_catalogue_compiles_cleanly_and_the_committed_mo_is_up_to_date(tmp_path):
    compiled = tmp_path / "django.mo"

    run = subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO_FILE)],
                         capture_output=True, text=True, check=False)

    assert run.returncode == 0, run.stderr
    with compiled.open("rb") as fresh, MO_FILE.open("rb") as committed:
        fresh_catalog = gettext.GNUTranslations(fresh)._catalog
        committed_catalog = gettext.GNUTranslations(committed)._catalog
    stale = sorted(str(key) for key in fresh_catalog.keys() ^ committed_catalog.keys()) + sorted(
        str(key) for key in fresh_catalog.keys() & committed_catalog.keys()
        if fresh_catalog[key] != committed_catalog[key])
    assert not stale, "django.mo differs from django.po; run `make messages`:\n" + "\n".join(
        stale[:20])


# --- the language a user meets ----------------------------------------------------------------

PRODUCT_DEFAULT = override_settings(LANGUAGE_CODE="zh-hans")


def html_lang(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found, "the page has no <html lang>"
    return found.group(1)


def dashboard_labels(page: str) -> dict:
    """The labels the dashboard's scripts put on the map and charts (a JSON block)."""
    found = re.search(r'<script id="dash-labels" type="application/json">(.*?)</script>',
                      page, re.S)
    assert found, "the dashboard has no labels for its scripts"
    return json.loads(found.group(1))


def switch_language(client: Client, language: str, next_url: str) -> str:
    """Choose a language in the header's switch, as the form there posts it."""
    response = client.post(reverse("set_language"), {"language": language, "next": next_url},
                           follow=True)
    assert response.status_code == 200
    return response.content.decode()


@PRODUCT_DEFAULT
@pytest.mark.django_db
def test_the_login_page_is_in_chinese_until_english_is_chosen():
    client = Client()

    page = client.get(reverse("web:login")).content.decode()

    assert html_lang(page) == "zh-hans"
    assert "登录生态环境问题整改台账平台" in page
    assert "Log in to EcoLedger" not in page

    page = switch_language(client, "en", reverse("web:login"))

    assert html_lang(page) == "en"
    assert "Log in to EcoLedger" in page
    assert "登录生态环境问题整改台账平台" not in page


@PRODUCT_DEFAULT
@pytest.mark.django_db
def test_the_dashboard_and_its_map_labels_follow_the_chosen_language():
    client = Client()
    client.force_login(make_user(Role.LEADER))

    page = client.get(reverse("web:home")).content.decode()

    assert html_lang(page) == "zh-hans"
    assert "<h1>工作台</h1>" in page
    assert dashboard_labels(page)["overdueRate"] == "逾期率"

    page = switch_language(client, "en", reverse("web:home"))

    assert html_lang(page) == "en"
    assert "<h1>Dashboard</h1>" in page
    assert dashboard_labels(page)["overdueRate"] == "Overdue rate"

    page = switch_language(client, "zh-hans", reverse("web:home"))

    assert "<h1>工作台</h1>" in page


@PRODUCT_DEFAULT
@pytest.mark.django_db
def test_a_browser_that_prefers_english_gets_english_without_choosing():
    page = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").get(reverse("web:login")).content.decode()

    assert html_lang(page) == "en"
    assert "Log in to EcoLedger" in page
