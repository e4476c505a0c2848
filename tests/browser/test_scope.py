"""A district officer's dashboard and map hold their district only; a supervisor's the city."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Problem
from tests.browser.conftest import Browse, Shoot, World
from tests.browser.helpers import map_markers
from tests.factories import make_problem

# Wait until the clusters and single markers on the map add up to this many problems.
MARKERS_DRAWN = """n => {
  const singles = document.querySelectorAll(
    '#dash-map .leaflet-marker-icon.mk:not(.mk-closed)').length;
  const clustered = [...document.querySelectorAll('#dash-map .marker-cluster')]
    .reduce((sum, el) => sum + parseInt(el.textContent, 10), 0);
  return singles + clustered === n;
}"""


def _problems(world: World, district: int) -> dict[str, Problem]:
    """Open problems spread over the district's towns (so the map keeps them apart), and
    a closed one."""
    towns = world.city.towns[district]

    def at(town: int, step: int, **kwargs) -> Problem:
        place = towns[town]
        return make_problem(world.city, region=place, latitude=place.latitude + 0.02 * step,
                            longitude=place.longitude, **kwargs)

    return {
        "rectifying": at(0, 0, status=Status.RECTIFYING),
        "assigned": at(1, 0, status=Status.ASSIGNED),
        "reported": at(1, 1),
        "closed": at(0, 1, status=Status.CLOSED),
    }


def _dashboard(page: Page, open_codes: set[str]) -> set[str]:
    """The codes the map was given, once it has drawn all of them (the page is the
    dashboard the user landed on after logging in)."""
    page.wait_for_function(MARKERS_DRAWN, arg=len(open_codes))
    return {row[0] for row in page.request.get("/dashboard/problems.json").json()["markers"]}


def test_a_district_officer_sees_only_their_district_on_the_dashboard_and_map(
    world: World, browse: Browse, shoot: Shoot
):
    mine = _problems(world, 0)
    theirs = _problems(world, 1)
    my_open = {p.code for key, p in mine.items() if key != "closed"}
    their_open = {p.code for key, p in theirs.items() if key != "closed"}

    officer = browse(world.users["region_officer"])
    given = _dashboard(officer, my_open)

    assert given == my_open
    drawn = map_markers(officer)
    assert drawn.total == 3
    assert not drawn.codes() & (their_open | {theirs["closed"].code})
    closed = officer.locator("#dash-map .leaflet-marker-icon.mk-closed")
    expect(closed).to_have_count(1)  # closed today: on the layer of problems closed lately
    assert closed.get_attribute("title").startswith(mine["closed"].code + " ")
    expect(officer.locator(".tile", has_text="Problems").locator("strong")).to_have_text("4")
    expect(officer.locator(".tile", has_text="Open").locator("strong")).to_have_text("3")
    expect(officer.locator("#district-title ~ table tbody th")).to_have_text(["district 1"])
    expect(officer.locator("#dash-map .region-label")).to_contain_text(["district 1"])
    expect(officer.locator("#dash-map .region-label", has_text="district 2")).to_have_count(0)
    expect(officer.locator("#map-note")).to_have_text(
        "Showing all 3 open problems with a location.")
    shoot(officer, "officer")

    supervisor = browse(world.users["supervisor"])
    assert _dashboard(supervisor, my_open | their_open) == my_open | their_open
    expect(supervisor.locator(".tile", has_text="Problems").locator("strong")).to_have_text("8")
    expect(supervisor.locator("#district-title ~ table tbody th")).to_have_text(
        ["district 1", "district 2"])
    shoot(supervisor, "supervisor")
