"""Everyone logs in through the login page and lands on the dashboard; the navigation
offers what their role may use and nothing it may not."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Browse, Shoot, World

EVERYONE = ["Dashboard", "My work", "Ledger", "Monitoring", "API"]
# role: (may administer, may register a problem)
ROLES = {
    "supervisor": (False, True),
    "region_officer": (False, True),
    "department_officer": (False, True),
    "enterprise": (False, False),
    "inspector": (False, True),
    "leader": (False, False),
    "admin": (True, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_to_the_dashboard_and_sees_its_own_navigation(
    role: str, world: World, browse: Browse, shoot: Shoot
):
    administers, registers = ROLES[role]
    user = world.users[role]

    page = browse(user)

    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    nav = page.get_by_role("navigation", name="Main")
    for name in EVERYONE:
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    expect(nav.get_by_role("link", name="Administration")).to_have_count(int(administers))
    expect(nav.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    shoot(page, "dashboard")
    nav.get_by_role("link", name="Ledger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledger")
    expect(page.get_by_role("link", name="Register a problem")).to_have_count(int(registers))
