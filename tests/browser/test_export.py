"""The ledger list's export button downloads exactly the problems the filters show."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from ecoledger.ledger.choices import Status
from tests.browser.conftest import Browse, Shoot, World
from tests.factories import make_problem


def test_the_export_holds_exactly_the_filtered_problems(
    world: World, browse: Browse, shoot: Shoot
):
    city = world.city
    wanted = {make_problem(city, region=city.towns[0][t], status=Status.RECTIFYING).code
              for t in (0, 1)}
    for status in (Status.REPORTED, Status.CLOSED):  # same district, other states
        make_problem(city, region=city.towns[0][0], status=status)
    for town in city.towns[1]:  # same state, other district
        make_problem(city, region=town, status=Status.RECTIFYING)

    page = browse(world.users["supervisor"])
    page.goto("/problems/")
    expect(page.locator("#results-count")).to_have_text("6 problems")
    page.locator("#id_region").select_option(label="— district 1")
    expect(page.locator("#results-count")).to_have_text("4 problems")
    # The swap scrolls the results to the top as it settles: click once it has settled.
    expect(page.locator("#results.htmx-swapping, #results.htmx-settling")).to_have_count(0)
    page.get_by_text("More filters").click()
    expect(page.locator("details.more-filters")).to_have_js_property("open", True)
    page.get_by_role("group", name="Status").get_by_label("Rectifying").check()
    expect(page.locator("#results-count")).to_have_text("2 problems")
    shown = set(page.locator("#results tbody td:first-child a").all_inner_texts())
    assert shown == wanted
    shoot(page, "filtered")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["code"] for row in rows} == wanted
    assert len(rows) == 2
    assert {(row["district"], row["status"]) for row in rows} == {("district 1", "Rectifying")}
    assert download.value.suggested_filename.startswith("ledger-")
