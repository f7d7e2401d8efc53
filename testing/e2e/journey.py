"""What the browser journeys share: how Chromium is started, one logged-in page per desk, numbered
screenshots of every page, and a watch on each page for server errors and blocked resources.

Playwright drives Debian's Chromium (/usr/bin/chromium); it never downloads a browser of its own.
"""

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Journey:
    """One test's browser session: contexts per person, screenshots numbered in the order taken.

    Each screenshot is written to `shots_dir` (the test's pytest tmp dir) and copied to `copy_dir`
    (var/e2e-screenshots/<test>/) so a developer can look at the pages after a run.
    """

    browser: Browser
    base_url: str
    password: str
    shots_dir: Path
    copy_dir: Path
    problems: list[str] = field(default_factory=list)
    shots: list[Path] = field(default_factory=list)
    _desks: dict[str, Page] = field(default_factory=dict)
    _contexts: list[BrowserContext] = field(default_factory=list)

    def __post_init__(self):
        expect.set_options(timeout=TIMEOUT_MS)  # signing a decree on a busy CI machine takes a while
        self.shots_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.copy_dir, ignore_errors=True)
        self.copy_dir.mkdir(parents=True, exist_ok=True)

    def url(self, path: str) -> str:
        return self.base_url + path

    # --- people -------------------------------------------------------------------------------------

    def new_page(self, *, viewport=DESKTOP, **context_options) -> Page:
        context = self.browser.new_context(viewport=viewport, locale="id-ID", **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        self._contexts.append(context)
        page = context.new_page()
        page.on("response", self._watch_response)
        page.on("console", self._watch_console)
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        return page

    def officer(self, role: str) -> Page:
        """The desk of `role` (the demo user of that name), logged in through /masuk/ once."""
        if role not in self._desks:
            page = self.new_page()
            page.goto(self.url("/masuk/"))
            if not self._desks:
                self.shot(page, "login")
            page.get_by_label("Nama pengguna").fill(role)
            page.get_by_label("Kata sandi").fill(self.password)
            page.get_by_role("button", name="Masuk").click()
            expect(page.get_by_role("button", name=f"Keluar ({role})")).to_be_visible()
            self._desks[role] = page
        return self._desks[role]

    def phone(self) -> Page:
        """A member of the public on a small phone: 360x640, touch, no login."""
        return self.new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)

    # --- evidence -----------------------------------------------------------------------------------

    def shot(self, page: Page, name: str) -> Path:
        """A full-page screenshot named <nn>-<name>.png, in the order taken."""
        filename = f"{len(self.shots) + 1:02d}-{slug(name)}.png"
        path = self.shots_dir / filename
        page.screenshot(path=str(path), full_page=True)
        shutil.copy2(path, self.copy_dir / filename)
        self.shots.append(path)
        return path

    def _watch_response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def _watch_console(self, message) -> None:
        """Errors the browser logs: a resource refused by the Content-Security-Policy, a broken link to
        a stylesheet or image. (The site has no favicon; the browser's own request for one is not ours.)"""
        url = (message.location or {}).get("url", "")
        if message.type == "error" and not url.endswith("/favicon.ico"):
            self.problems.append(f"console: {message.text} {url}".strip())

    def close(self) -> None:
        for context in self._contexts:
            context.close()


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its viewport (0: nothing to scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
