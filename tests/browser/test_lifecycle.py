"""The whole life of a problem through the pages only, as the people who do it.

An inspector registers it with the map picker and a photo; a supervisor verifies and
assigns it; the district's officer plans, starts, uploads the evidence of the result and
submits it; another supervisor accepts it (four eyes). The problem ends closed, its
timeline tells every step, and the dashboard counts it among the closed.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from ecoledger.ledger.models import Problem
from ecoledger.lib import clock
from ecoledger.lib.geo import gcj02_to_wgs84
from tests.browser.conftest import Browse, Shoot, World
from tests.browser.helpers import (
    open_action,
    record_uploads,
    recorded_uploads,
    status_of,
    wait_for_dashboard,
)
from tests.factories import jpeg_bytes

WORKFLOW_STEPS = {
    "Registered", "Evidence added", "Verified and assigned", "Plan saved",
    "Rectification started", "Submitted for acceptance", "Accepted and closed",
}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def _file(name: str, mime: str, data: bytes) -> dict[str, object]:
    return {"name": name, "mimeType": mime, "buffer": data}


def _register(page: Page, world: World, shoot: Shoot) -> tuple[str, tuple[float, float]]:
    """Register through the form; return the code and the point picked (GCJ-02 lon, lat)."""
    town = world.city.towns[0][0]
    page.goto("/problems/")
    page.get_by_role("link", name="Register a problem").click()
    page.locator("#id_title").fill("Uncovered sand pile at the Riverside site")
    page.locator("#id_description").fill("A sand pile without dust netting next to the road.")
    page.locator("#id_domain").select_option("air")
    page.locator("#id_region").select_option(str(town.pk))
    picker = page.locator("[data-picker-map]")
    expect(picker.locator("path").first).to_be_visible()  # the town's outline
    picker.click()  # the middle of the map: inside the town it zoomed to
    expect(page.locator("#id_latitude")).not_to_have_value("")
    expect(page.locator("#id_coordinate_system")).to_have_value("gcj02")
    picked = (float(page.locator("#id_longitude").input_value()),
              float(page.locator("#id_latitude").input_value()))
    expect(picker.locator("path.leaflet-interactive")).to_have_count(1)  # the chosen point
    page.locator("#id_files").set_input_files(
        [_file("before.jpg", "image/jpeg", jpeg_bytes(seed=1))])
    shoot(page, "1-register")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page).to_have_url(re.compile(r"/problems/ZG-\d{4}-\d+/$"))
    expect(page.locator(".messages")).to_contain_text("was registered")
    return page.locator(".problem-head .code").inner_text(), picked


def _verify(page: Page, code: str) -> None:
    page.goto(f"/problems/{code}/")
    open_action(page, "verify")
    deadline = clock.today() + timedelta(days=30)
    page.locator("#id_verify-deadline").fill(deadline.isoformat())
    page.locator("#action-verify button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Verified and assigned")
    assert status_of(page) == "Assigned"


def _plan_and_start(page: Page, code: str) -> None:
    page.goto(f"/problems/{code}/")
    open_action(page, "edit_plan")
    page.locator("#id_edit_plan-goal").fill("No bare earth on the site")
    due = (clock.today() + timedelta(days=10)).isoformat()
    rows = [("Cover the pile with dust netting", "Site manager"),
            ("Water the access road twice a day", "Town office")]
    page.get_by_role("button", name="Add a measure").click()
    for index, (text, owner) in enumerate(rows):
        page.locator(f"#id_edit_plan-measures-{index}-description").fill(text)
        page.locator(f"#id_edit_plan-measures-{index}-owner").fill(owner)
        page.locator(f"#id_edit_plan-measures-{index}-due_on").fill(due)
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".messages")).to_contain_text("The plan was saved.")
    expect(page.locator("ol.measures li.measure")).to_have_count(2)
    open_action(page, "start")
    page.locator("#action-start button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Rectification started.")
    assert status_of(page) == "Rectifying"


def _upload(page: Page, code: str, shoot: Shoot, browse: Browse) -> None:
    open_action(page, "add_evidence")
    form = page.locator("#action-add_evidence form")
    form.locator("select[name$=stage]").select_option("after")
    form.locator("input[type=file]").set_input_files([
        _file("not-a-photo.jpg", "image/jpeg", b"plain text, not a JPEG")])
    browse.expect_console_error("status of 400")  # type: ignore[attr-defined]
    form.get_by_role("button", name="Upload").click()
    expect(form.locator(".upload-list p.error")).to_have_text(
        "No file was uploaded; see the reasons above.")
    form.locator("input[type=file]").set_input_files([
        _file("after-1.jpg", "image/jpeg", jpeg_bytes(seed=2)),
        _file("after-2.png", "image/png", _png()),
        _file("acceptance-report.pdf", "application/pdf", b"%PDF-1.4\n% the report\n"),
    ])
    record_uploads(form)
    form.get_by_role("button", name="Upload").click()
    expect(page.locator(".gallery li.evidence")).to_have_count(4)  # the page came back
    uploads = recorded_uploads(page)
    assert [(u["name"], u["percent"], u["ok"]) for u in uploads] == [
        ("after-1.jpg", 100, True), ("after-2.png", 100, True),
        ("acceptance-report.pdf", 100, True)]
    assert all(str(u["state"]).startswith("✔ Uploaded · SHA-256 ") for u in uploads)
    for name in ("after-1.jpg", "after-2.png", "acceptance-report.pdf"):
        expect(page.locator(".messages")).to_contain_text(f"1 file added: {name}")
    expect(page.locator(".gallery img")).to_have_count(3)  # the PDF is a download link
    expect(page.locator(".gallery a[download='acceptance-report.pdf']")).to_be_visible()
    shoot(page, "2-evidence")


def _submit(page: Page) -> None:
    open_action(page, "submit")
    page.locator("#id_submit-summary").fill("Pile covered, road watered; photos attached.")
    page.locator("#action-submit button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Submitted for acceptance.")
    assert status_of(page) == "Pending acceptance"
    expect(page.locator("#action-accept")).to_have_count(0)  # not by the submitter


def _accept(page: Page, code: str) -> None:
    page.goto(f"/problems/{code}/")
    open_action(page, "accept")
    page.locator("#id_accept-opinion").fill("Checked on site: covered and clean.")
    page.locator("#action-accept button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Accepted; the problem is closed.")
    assert status_of(page) == "Closed"


def test_a_problem_goes_from_registration_to_closure_through_the_pages(
    world: World, browse: Browse, shoot: Shoot
):
    users = world.users
    inspector = browse(users["inspector"])
    code, picked = _register(inspector, world, shoot)
    _verify(browse(users["supervisor"]), code)
    officer = browse(users["region_officer"])
    _plan_and_start(officer, code)
    _upload(officer, code, shoot, browse)
    _submit(officer)
    reviewer = browse(users["second_supervisor"])
    _accept(reviewer, code)

    labels = reviewer.locator("ol.timeline > li strong").all_inner_texts()
    steps = [label for label in labels if label in WORKFLOW_STEPS]  # closing adds follow-ups
    assert steps == [
        "Registered", "Evidence added", "Verified and assigned", "Plan saved",
        "Rectification started", "Evidence added", "Evidence added", "Evidence added",
        "Submitted for acceptance", "Accepted and closed",
    ]
    expect(reviewer.locator(".problem-map path.leaflet-interactive")).to_have_count(1)
    shoot(reviewer, "3-closed")
    problem = Problem.objects.get(code=code)
    assert (problem.status, problem.region, problem.submitted_by, problem.reported_by) == (
        "closed", world.city.towns[0][0], users["region_officer"], users["inspector"])
    lon, lat = gcj02_to_wgs84(*picked)  # stored in WGS-84, to within a metre
    assert (problem.longitude, problem.latitude) == pytest.approx((lon, lat), abs=1e-5)

    reviewer.goto("/")
    wait_for_dashboard(reviewer)
    closed = reviewer.locator("section[aria-labelledby=status-title] li", has_text="Closed")
    expect(closed.locator(".bar-n")).to_have_text("1")
    district = reviewer.locator("table tbody tr", has_text="district 1")
    expect(district.locator("td").last).to_have_text("1")
    expect(reviewer.locator("#map-note")).to_have_text(
        "Showing all 0 open problems with a location.")
    closed_marker = reviewer.locator("#dash-map .leaflet-marker-icon.mk-closed")
    expect(closed_marker).to_have_count(1)  # the closed problem, on the map
    expect(closed_marker).to_have_attribute("title", re.compile(f"^{code} "))
    shoot(reviewer, "4-dashboard")
