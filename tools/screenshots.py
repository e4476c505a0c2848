"""Take the README's screenshots from a running EcoLedger: dashboard, ledger list, problem page.

Usage (start the demo first: ``make demo`` or ``.venv/bin/ecoledger demo --no-live``)::

    .venv/bin/python tools/screenshots.py [--url http://127.0.0.1:8000]
        [--username supervisor] [--password ecoledger-demo] [--out docs/screenshots]

It logs in through the login page with Playwright driving Debian's chromium
(``/usr/bin/chromium``, headless; no browser is downloaded), in Simplified Chinese, the
product's default language (a CJK font such as fonts-noto-cjk must be installed, or the
text shows as empty boxes), at 1440x900, and writes:

- ``dashboard.png``: the whole page, once the map has drawn its districts and markers and
  the charts their bars;
- ``ledger-list.png``: the first screen of the ledger list;
- ``problem.png``: the whole page of the first problem awaiting acceptance (then in
  rectification) that shows a plan with measures, evidence photos and a timeline.

It exits with a message naming what was missing if a page did not render or no such
problem exists.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1440, "height": 900}
CANDIDATES = 25  # problems looked at per status before giving up


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running EcoLedger")
    parser.add_argument("--username", default="supervisor", help="who logs in (the demo's)")
    parser.add_argument("--password", default="ecoledger-demo")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"),
                        help="where the PNG files go")
    return parser.parse_args(argv)


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("section.login button[type=submit]").click()
    expect(page.locator(".topbar .who, .login .form-errors").first).to_be_visible()
    if page.locator(".login .form-errors").count():
        raise SystemExit(f"Login as {username!r} was refused.")


def dashboard(page: Page, out: Path) -> None:
    page.goto("/")
    expect(page.locator("#dash-map path.leaflet-interactive").first).to_be_visible()
    expect(page.locator("#dash-map .leaflet-marker-icon").first).to_be_visible()
    expect(page.locator("#flow-chart svg").first).to_be_visible()
    page.wait_for_load_state("networkidle")  # every layer is in; ECharts' bars have grown
    page.evaluate("document.fonts.ready")
    # The flow table is filled right after the ranking, from the same answer.
    expect(page.locator("#flow-table tbody tr").first).to_be_attached()
    page.screenshot(path=str(out / "dashboard.png"), full_page=True)


def ledger_list(page: Page, out: Path) -> None:
    page.goto("/problems/")
    expect(page.locator("#results tbody tr td a").first).to_be_visible()
    page.screenshot(path=str(out / "ledger-list.png"))


def shows_the_work(page: Page) -> bool:
    """A plan with measures, at least one evidence photo, and several timeline entries."""
    return (page.locator("ol.measures li.measure").count() > 0
            and page.locator(".gallery img").count() > 0
            and page.locator("ol.timeline > li").count() > 2)


def problem_page(page: Page, out: Path) -> str:
    for status in ("pending_acceptance", "rectifying"):
        page.goto(f"/problems/?status={status}")
        codes = page.locator("#results tbody td:first-child a").all_inner_texts()
        for code in codes[:CANDIDATES]:
            page.goto(f"/problems/{code}/")
            if shows_the_work(page):
                expect(page.locator(".problem-map path.leaflet-interactive").first).to_be_visible()
                page.wait_for_load_state("networkidle")  # the evidence photos
                page.screenshot(path=str(out / "problem.png"), full_page=True)
                return code
    raise SystemExit("No problem with a plan, evidence photos and a timeline was found.")


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=args.url.rstrip("/"), viewport=VIEWPORT,
                                      locale="zh-CN", device_scale_factor=1)
        context.set_default_timeout(30_000)
        page = context.new_page()
        try:
            log_in(page, args.username, args.password)
            dashboard(page, args.out)
            ledger_list(page, args.out)
            code = problem_page(page, args.out)
        except (PlaywrightError, AssertionError) as error:
            first_line = str(error).strip().splitlines()[0]
            raise SystemExit(f"No screenshots from {page.url or args.url}: {first_line}") from None
        finally:
            browser.close()
    print(f"Wrote dashboard.png, ledger-list.png and problem.png ({code}) to {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
