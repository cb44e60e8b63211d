"""End-to-end fixtures: headless Debian chromium against pytest-django's live server.

Every test in this folder is marked ``e2e`` (so ``pytest -m "not e2e"`` never runs them). The live
server needs ``transactional_db``, whose flush wipes the demo world after each test, so ``demo_world``
reloads it (≈0.5 s) whenever the database has no orgs.

The ``e2e`` page fixture collects console errors, uncaught page errors, failed requests and
sub-resource responses with an error status (CSP violations, missing static files, failing HTMX
calls); the test fails at teardown if any were seen. A page *document* answering 4xx on purpose
(wrong password → 400, out-of-scope object → 404) is not an error.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "var" / "e2e"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "Sifa#2026"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_FAILED_RESOURCE = re.compile(r"^Failed to load resource: the server responded with a status of (\d+)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in item.path.resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def e2e_browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def demo_world(transactional_db: None) -> None:
    """The demo world (``sifa demo --scale demo --seed 1``), reloaded after a transactional flush."""
    from django.core.management import call_command

    from sifa.core.orgs.models import Org

    if not Org.objects.exists():
        call_command("demo", scale="demo", seed=1, verbosity=0, stdout=io.StringIO())


@dataclass
class BrowserProblems:
    """What the browser complained about during one test."""

    console: list[tuple[str, str]] = field(default_factory=list)  # (text, url)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    documents: dict[str, set[int]] = field(default_factory=dict)  # url -> statuses of page documents

    def collect(self, page: Any) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, msg: Any) -> None:
        if msg.type == "error":
            self.console.append((msg.text, (msg.location or {}).get("url", "")))

    def _on_request_failed(self, request: Any) -> None:
        failure = request.failure or ""
        # A navigation that replaces a still-loading one is aborted by the browser, not by the server.
        if request.resource_type == "document" and "ERR_ABORTED" in failure:
            return
        self.failed_requests.append(f"{request.method} {request.url} ({request.resource_type}): {failure}")

    def _on_response(self, response: Any) -> None:
        request = response.request
        if request.resource_type == "document":
            self.documents.setdefault(response.url, set()).add(response.status)
        elif response.status >= 400:
            self.bad_responses.append(f"{response.status} {request.method} {response.url} ({request.resource_type})")

    def problems(self) -> list[str]:
        found: list[str] = []
        for text, url in self.console:
            m = _FAILED_RESOURCE.match(text)
            if m and int(m.group(1)) in self.documents.get(url, set()):
                continue  # the page itself answered 4xx on purpose; checked by the test
            found.append(f"console: {text} [{url}]")
        found += [f"page error: {e}" for e in self.page_errors]
        found += [f"request failed: {e}" for e in self.failed_requests]
        found += [f"bad response: {e}" for e in self.bad_responses]
        return found


class E2E:
    """One browser page on the live server, with screenshot and sign-in helpers."""

    def __init__(self, page: Any, base_url: str, problems: BrowserProblems) -> None:
        self.page = page
        self.base_url = base_url
        self.problems = problems

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> Any:
        return self.page.goto(self.url(path))

    def shot(self, name: str, *, phone: bool = False) -> Path:
        """A full-page screenshot at the current width; with ``phone`` also one at 390 px (``<name>-390``)."""
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOT_DIR / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        if phone:
            size = self.page.viewport_size
            self.page.set_viewport_size(PHONE)
            self.page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-390.png"), full_page=True)
            self.page.set_viewport_size(size)
        return target

    def submit(self, selector: str = ".page-body form button[type=submit]") -> Any:
        """Click a button that submits a form (or a link) and wait for the next page; returns its response."""
        with self.page.expect_navigation() as navigation:
            self.page.click(selector)
        return navigation.value

    def menu(self, label: str) -> Any:
        """Open the main-menu entry ``label`` as a user would: the phone's menu button when the menu is
        collapsed, the drop-down of its group when it is in one; returns the next page's response."""
        page = self.page
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
            page.locator("#sifa-menu.show:not(.collapsing)").wait_for()
        exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
        link = page.locator("#sifa-menu a:not(.dropdown-toggle)", has_text=exact).first
        dropdown = page.locator("#sifa-menu .dropdown", has=page.locator("a.dropdown-item", has_text=exact))
        if dropdown.count() and not link.is_visible():
            dropdown.locator(".dropdown-toggle").click()
            link.wait_for(state="visible")
        with page.expect_navigation() as navigation:
            link.click()
        return navigation.value

    def login(self, username: str, password: str = DEMO_PASSWORD, *, shot: str | None = None) -> None:
        """Sign in through the login page; ``admin`` also passes the TOTP step."""
        page = self.page
        self.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        if shot:
            self.shot(shot, phone=True)
        self.submit(".page-body form button[type=submit]")
        if "/accounts/login/2fa/" in page.url:
            import pyotp

            from sifa.core.accounts.models import User
            from sifa.core.accounts.services import totp_secret_of

            secret = totp_secret_of(User.objects.get(username=username))
            assert secret, f"{username} has no TOTP secret"
            page.fill("#id_code", pyotp.TOTP(secret).now())
            if shot:
                self.shot(f"{shot}-2fa", phone=True)
            self.submit(".page-body form button[type=submit]")
        assert page.url.rstrip("/") == self.base_url.rstrip("/"), f"sign-in of {username} ended at {page.url}"

    def no_horizontal_overflow(self) -> None:
        width, inner = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner + 1, f"{self.page.url}: page is {width}px wide in a {inner}px window"


def _new_e2e(e2e_browser: Any, live_server: Any, viewport: dict[str, int]) -> Iterator[E2E]:
    context = e2e_browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = BrowserProblems()
    problems.collect(page)
    yield E2E(page, live_server.url, problems)
    context.close()
    found = problems.problems()
    if found:
        pytest.fail("browser reported problems:\n" + "\n".join(found), pytrace=False)


@pytest.fixture
def e2e(e2e_browser: Any, live_server: Any, demo_world: None) -> Iterator[E2E]:
    """A 1280 px wide page on the live server with the demo world loaded."""
    yield from _new_e2e(e2e_browser, live_server, DESKTOP)


@pytest.fixture
def e2e_phone(e2e_browser: Any, live_server: Any, demo_world: None) -> Iterator[E2E]:
    """A 390 px wide (phone) page on the live server with the demo world loaded."""
    yield from _new_e2e(e2e_browser, live_server, PHONE)
