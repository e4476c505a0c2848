"""On a 375-px-wide phone the pages fit the screen and the folded navigation works."""

from __future__ import annotations

import io

from playwright.sync_api import Page, expect

from ecoledger.ledger import services
from ecoledger.ledger.choices import EvidenceStage, Status
from ecoledger.ledger.services import MeasureInput
from ecoledger.lib import clock
from tests.browser.conftest import PHONE, Browse, Shoot, World
from tests.factories import jpeg_bytes, make_problem


def _page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _problem_with_everything(world: World) -> str:
    """A problem whose page has a long title, a plan, photos and a long timeline."""
    city = world.city
    town = city.towns[0][0]
    problem = make_problem(
        city, status=Status.RECTIFYING, region=town, latitude=town.latitude,
        longitude=town.longitude, address="No. 1 Riverside Road, far east corner of the park",
        title="Dust from an uncovered pile of construction waste " * 3)
    services.save_plan(problem, acting_user=city.supervisor, goal="No bare earth",
                       summary="Cover, water, remove", measures=[
                           MeasureInput(description="Cover the pile with dust netting",
                                        owner="Site manager", due_on=clock.today())])
    services.add_evidence(problem, acting_user=city.supervisor, upload=io.BytesIO(
        jpeg_bytes(seed=7)), name="a-photo-with-a-rather-long-file-name-from-a-phone.jpg",
        stage=EvidenceStage.DURING)
    return problem.code


def test_the_dashboard_and_the_problem_page_fit_a_phone_and_the_menu_unfolds(
    world: World, browse: Browse, shoot: Shoot
):
    code = _problem_with_everything(world)
    page = browse(world.users["supervisor"], viewport=PHONE)

    assert _page_width(page) <= PHONE["width"]
    shoot(page, "dashboard")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    page.get_by_label("Menu").click()
    expect(nav).to_be_visible()
    shoot(page, "menu")
    nav.get_by_role("link", name="Ledger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledger")
    assert _page_width(page) <= PHONE["width"]

    page.get_by_role("link", name=code).click()
    expect(page.locator(".problem-map path.leaflet-interactive").first).to_be_visible()
    expect(page.locator(".gallery img")).to_have_count(1)
    assert _page_width(page) <= PHONE["width"]
    expect(page.locator("#action-submit")).to_be_in_viewport(ratio=0.5)  # actions come first
    shoot(page, "problem")
