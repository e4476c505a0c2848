"""Simplified Chinese by default; the switch in the top bar turns the pages to English and back."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import Browse, Shoot, World
from tests.browser.helpers import log_in

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_pages_are_in_chinese_by_default_and_switch_to_english(
    world: World, browse: Browse, shoot: Shoot, settings
):
    settings.LANGUAGE_CODE = "zh-hans"  # the product's default (the test settings use English)
    page = browse(locale="fr-FR")  # a browser asking for a language the product lacks
    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(CHINESE)
    log_in(page, world.users["supervisor"])
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(CHINESE)
    shoot(page, "chinese")

    page.locator("#language").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(heading).to_have_text("Dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ledger").click()
    expect(heading).to_have_text("Ledger")  # the choice stays
    shoot(page, "english")

    page.locator("#language").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(heading).to_have_text(CHINESE)
