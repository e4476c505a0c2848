"""What the browser tests do again and again: log in, wait for the dashboard, read its map."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

from ecoledger.org.models import User

PASSWORD = "pw-for-tests-1"  # the factories' default


def log_in(page: Page, user: User) -> None:
    """Log in through the login form (by field ids: the page may be in either language)
    and wait for the dashboard it lands on to draw, so that leaving it at once cuts no
    request short."""
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("section.login button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".topbar .who")).to_contain_text(str(user))
    wait_for_dashboard(page)


def wait_for_dashboard(page: Page) -> None:
    """Until the map has drawn its four layers (districts, problems closed lately, open
    problems, monitoring points) and the weekly chart and the ranking theirs."""
    expect(page.locator("#dash-map .leaflet-control-layers-overlays label")).to_have_count(4)
    expect(page.locator("#dash-map path.leaflet-interactive").first).to_be_visible()
    expect(page.locator("#map-note")).not_to_be_empty()
    expect(page.locator("#flow-chart svg").first).to_be_visible()
    # The flow table is filled right after the ranking, from the same answer.
    expect(page.locator("#flow-table tbody tr").first).to_be_attached()


@dataclass
class MapMarkers:
    """The problem markers drawn on the dashboard map: single ones by their label, and how
    many problems the clusters hold."""

    labels: list[str]
    clustered: int

    @property
    def total(self) -> int:
        return len(self.labels) + self.clustered

    def codes(self) -> set[str]:
        return {label.split(" · ")[0] for label in self.labels}


# The map is settled when no zoom or cluster animation runs and the markers drawn have
# stayed the same for half a second: while the map zooms to the districts' outline, the
# clusters leaving and the ones arriving are both in the page.
_MAP_SETTLED = """() => {
  const map = document.querySelector('#dash-map');
  const moving = map.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim');
  const drawn = [...map.querySelectorAll('.leaflet-marker-icon')]
    .map(e => e.className + '|' + e.textContent).sort().join(',');
  const now = Date.now();
  if (moving || window.__mapDrawn !== drawn) {
    window.__mapDrawn = drawn;
    window.__mapSince = now;
    return false;
  }
  return now - window.__mapSince >= 500;
}"""


def map_markers(page: Page) -> MapMarkers:
    page.wait_for_function(_MAP_SETTLED, polling=100)
    labels = page.locator("#dash-map .leaflet-marker-icon.mk:not(.mk-closed)").evaluate_all(
        "els => els.map(e => e.getAttribute('title'))")
    counts = page.locator("#dash-map .marker-cluster").evaluate_all(
        "els => els.map(e => parseInt(e.textContent, 10))")
    return MapMarkers(labels, sum(counts))


def open_action(page: Page, action: str) -> None:
    """Unfold the action's form on the problem page (a ``details`` panel)."""
    panel = page.locator(f"#action-{action}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    expect(panel.locator("form")).to_be_visible()


def status_of(page: Page) -> str:
    return page.locator(".problem-head .badges > :first-child").inner_text().strip()


# The upload list is redrawn as each file goes, and the page moves on once all are done:
# a MutationObserver keeps its last state in sessionStorage, where the next page reads it.
_RECORD_UPLOADS = """form => {
  const list = form.querySelector('.upload-list');
  const save = () => sessionStorage.setItem('uploads', JSON.stringify(
    [...list.querySelectorAll('li.upload')].map(li => ({
      name: li.querySelector('.name').textContent,
      percent: li.querySelector('progress').value,
      ok: li.classList.contains('ok'),
      state: li.querySelector('.upload-state').textContent,
    }))));
  new MutationObserver(save).observe(list, {subtree: true, childList: true, attributes: true,
                                            characterData: true});
}"""


def record_uploads(form: Locator) -> None:
    """Keep the upload list's rows (name, percent, done, state text) as they change."""
    form.evaluate(_RECORD_UPLOADS)


def recorded_uploads(page: Page) -> list[dict[str, object]]:
    return page.evaluate("JSON.parse(sessionStorage.getItem('uploads') || '[]')")
