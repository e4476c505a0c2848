"""Browser tests: Debian's chromium, headless, driven by Playwright against a live server.

The server is pytest-django's threaded ``live_server`` on the test database with real
commits (``committed_db``), serving the app's static files as the product does. Every
page a test opens is watched: a script error, a console error or a static file that
fails to load fails the test, so a page that "looks fine" but lost its map or charts
does not pass. Screenshots go to ``tests/browser/screenshots/`` (ignored by git).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Response,
    expect,
    sync_playwright,
)

from ecoledger.audit.guards import remove_guards
from ecoledger.demo.boundaries import store_boundaries
from ecoledger.org.choices import Role
from ecoledger.org.models import User
from tests.browser.helpers import PASSWORD, log_in
from tests.factories import City, make_city, make_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
TIMEOUT_MS = 15_000  # generous: the suite shares two cores with other tests


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Chromium for the tests of this package, stopped once they are done: Playwright's
    sync API keeps an asyncio loop running in this thread, which would break the tests
    that run after them in the same process and start a loop of their own."""
    if not CHROMIUM.exists():
        pytest.fail(f"The browser tests need Debian's chromium at {CHROMIUM}: "
                    "install it with `apt-get install chromium` (.ci/run does).", pytrace=False)
    # While that loop runs, Django would refuse every ORM call from the test as if it
    # came from async code.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        # While that loop runs, Django keeps this thread's connections apart from those
        # it had before (asgiref's storage follows the running loop): close them while
        # they are still reachable, or the test database cannot be dropped at the end.
        connections.close_all()
        playwright.stop()
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def transactional_db(_guards_back_after_flush, transactional_db) -> Iterator[None]:
    """``committed_db`` made safe for the live server.

    pytest-django's live server asks for ``transactional_db`` before any fixture of the
    test, so ``committed_db``'s guard keeper would be set up after it and put the
    append-only triggers back before the flush instead of after it. Taking the keeper
    first here keeps the order: triggers lifted, database flushed, triggers back.
    """
    yield
    remove_guards(connection)


@dataclass
class World:
    """The factories' city, placed on the map with district and town boundaries, and one
    user of each role; the regional users belong to district 1."""

    city: City
    users: dict[str, User] = field(default_factory=dict)


def _place(region: Any, latitude: float, longitude: float) -> None:
    region.latitude, region.longitude = latitude, longitude
    region.save()


@pytest.fixture
def world(committed_db) -> World:
    city = make_city()
    _place(city.city, 36.2, 117.1)
    for d, district in enumerate(city.districts):
        _place(district, 36.2, 117.0 + 0.3 * d)
        for t, town in enumerate(city.towns[d]):
            _place(town, 36.15 + 0.1 * t, 116.95 + 0.3 * d + 0.05 * t)
    store_boundaries(city.city)
    district = city.districts[0]
    users = {
        "supervisor": city.supervisor,
        "second_supervisor": city.second_supervisor,
        "region_officer": make_user(Role.REGION_OFFICER, region=district,
                                    username="officer", full_name="Officer One"),
        "department_officer": make_user(Role.DEPARTMENT_OFFICER,
                                        department=city.departments[0], username="water"),
        "enterprise": make_user(Role.ENTERPRISE, enterprise=city.enterprises[0],
                                username="factory"),
        "inspector": make_user(Role.INSPECTOR, region=district, username="patrol"),
        "leader": make_user(Role.LEADER, username="mayor"),
        "admin": User.objects.create_superuser(username="admin", password=PASSWORD,
                                               full_name="Administrator"),
    }
    return World(city, users)


@dataclass
class Watch:
    """What went wrong on the pages while the test used them."""

    problems: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)

    def expect_console_error(self, text: str) -> None:
        """One console error containing ``text`` is what the test provokes (a refusal)."""
        self.expected.append(text)

    def attach(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("console", lambda message: self._console(page, message))
        page.on("response", self._response)
        page.on("requestfailed", self._failed)

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        provoked = next((text for text in self.expected if text in message.text), None)
        if provoked is not None:
            self.expected.remove(provoked)
        else:
            self.problems.append(f"console error on {page.url}: {message.text}")

    def _response(self, response: Response) -> None:
        if "/static/" in response.url and response.status >= 400:
            self.problems.append(f"{response.status} for {response.url}")

    def _failed(self, request: Request) -> None:
        # ERR_ABORTED: the page moved on before the file came, as when a test leaves
        # the dashboard right after logging in; not a missing file.
        if "/static/" in request.url and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed to load {request.url}: {request.failure}")


Browse = Callable[..., Page]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """When a browser test fails, record what each of its pages showed: a screenshot,
    and the page's address and text in the report, so a failure in CI reads from its log."""
    report = yield
    open_page = getattr(item, "funcargs", {}).get("browse")
    if report.when == "call" and report.failed and open_page is not None:
        test = re.sub(r"[^\w-]+", "-", item.name).strip("-")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pages = [page for context in open_page.contexts for page in context.pages]
        for n, page in enumerate(pages):
            page.screenshot(path=str(SCREENSHOTS / f"{test}-failure-{n}.png"), full_page=True)
            text = page.locator("body").inner_text(timeout=2000)[:4000]
            report.sections.append((f"page {n} when the test failed", f"{page.url}\n{text}"))
    return report


@pytest.fixture
def browse(browser: Browser, live_server: Any) -> Iterator[Browse]:
    """Open a page in a fresh browser context (its own cookies), logged in as ``user``
    through the login page when one is given.

    At the end, every page must have run without script errors, console errors or
    missing static files.
    """
    watch = Watch()
    contexts = []

    def open_page(user: User | None = None, *, viewport: dict[str, int] = DESKTOP,
                  locale: str = "en-US") -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=viewport,
                                      locale=locale, accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        watch.attach(page)
        if user is not None:
            log_in(page, user)
        return page

    open_page.contexts = contexts  # type: ignore[attr-defined]  # read when a test fails
    open_page.expect_console_error = watch.expect_console_error  # type: ignore[attr-defined]
    yield open_page
    for context in contexts:
        context.close()
    assert not watch.problems, "the browser reported:\n" + "\n".join(watch.problems)


Shoot = Callable[[Page, str], Path]


@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Shoot:
    """Save a full-page screenshot named after the test and the step."""
    test = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")

    def screenshot(page: Page, step: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{test}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return screenshot
