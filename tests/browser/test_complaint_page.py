"""The public complaint page on a 375 px phone: the map picker, photos, and the tracking code."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ecoledger.intake import services
from ecoledger.intake.choices import Channel
from ecoledger.intake.models import Complaint
from ecoledger.ledger.choices import Status
from ecoledger.lib.geo import gcj02_to_wgs84
from tests.browser.conftest import PHONE, Browse, Shoot, World
from tests.factories import category, jpeg_bytes, make_problem


def test_a_phone_user_reports_a_problem_on_the_map_and_gets_a_tracking_code(
    world: World, browse: Browse, shoot: Shoot
):
    kind = category("air")
    page = browse(viewport=PHONE)
    page.goto("/report/")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#id_description").fill("工地扬尘很大，没有覆盖防尘网")
    page.locator("#id_category").select_option(str(kind.pk))
    page.locator("[data-picker-map]").click()
    expect(page.locator("input[name=latitude]")).not_to_have_value("")
    picked = [float(page.locator(f"input[name={n}]").input_value())
              for n in ("longitude", "latitude")]
    expect(page.locator("input[name=coordinate_system]")).to_have_value("gcj02")
    page.locator("#id_photos").set_input_files([
        {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(seed=1)}])
    page.locator("#id_phone").fill("13812345678")
    shoot(page, "filled")
    page.get_by_role("button", name="Send the report").click()

    expect(page).to_have_url(re.compile(r"/track/[A-Z0-9]+/$"))
    complaint = Complaint.objects.get()
    expect(page.locator(".code")).to_have_text(complaint.tracking_code)
    expect(page.locator("body")).to_contain_text("138****5678")
    expect(page.locator("body")).not_to_contain_text("13812345678")
    lon, lat = gcj02_to_wgs84(*picked)
    assert (round(complaint.longitude, 5), round(complaint.latitude, 5)) == (
        round(lon, 5), round(lat, 5))
    assert complaint.photos.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "tracking")


def test_a_supervisor_merges_a_complaint_from_the_triage_queue(
    world: World, browse: Browse, shoot: Shoot
):
    problem = make_problem(world.city, status=Status.RECTIFYING, latitude=36.2,
                           longitude=117.1, description="工地扬尘严重，未覆盖防尘网")
    complaint = services.file_complaint(
        sender=services.Sender("10.0.0.1", Channel.WEB),
        description="工地扬尘很大，没有覆盖防尘网", category=category("air"),
        latitude=36.2005, longitude=117.1, phone="13812345678")
    page = browse(world.users["supervisor"])

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Complaint triage").click()
    card = page.locator("section.card", has_text=complaint.tracking_code)
    expect(card).to_contain_text(problem.code)
    expect(card).to_contain_text("56 m away")
    expect(card).to_contain_text("13812345678")
    card.get_by_role("link", name=complaint.tracking_code).click()
    shoot(page, "detail")
    page.get_by_role("button", name=f"Merge into {problem.code}").click()

    expect(page.locator(".messages")).to_contain_text(f"merged into {problem.code}")
    complaint.refresh_from_db()
    assert complaint.problem == problem
