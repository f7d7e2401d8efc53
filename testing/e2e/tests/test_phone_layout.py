"""Every page reads on a 360x640 phone: a compact header (at most 100 px, the menu folded into a
disclosure that works without JavaScript) and nothing to scroll sideways, measured in Chromium for the
public pages, a tracking result, and each page the menu (and the leaders' sub-menu) offers five desks.
"""

import pytest
from playwright.sync_api import Page, expect

from testing.e2e.journey import CHROMIUM, Journey
from testing.e2e.tests.test_journey import TDUP_DATA, register, track

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True),
]

HEADER_MAX_PX = 100
PUBLIC_PAGES = ("/lacak/", "/layanan/", "/daftar-online/", "/transparansi/")
ROLES = ("frontdesk", "verifier", "treasurer", "supervisor", "head")
MEASURE = """() => ({
    header: document.querySelector('header.top').getBoundingClientRect().height,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
})"""


def measure(j: Journey, page: Page, path: str, figures: dict[str, dict]) -> None:
    """Open `path` and record its header height and width against the viewport."""
    answer = page.goto(j.url(path))
    assert answer is not None and answer.status == 200, (path, answer and answer.status)
    figures[path] = page.evaluate(MEASURE)


def links(page: Page, selector: str) -> list[str]:
    hrefs = page.locator(selector).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if h.startswith("/") and "?" not in h and not h.startswith("/admin/")]


def log_in(j: Journey, page: Page, role: str) -> None:
    page.goto(j.url("/masuk/"))
    page.get_by_label("Nama pengguna").fill(role)
    page.get_by_label("Kata sandi").fill(j.password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("button", name=f"Keluar ({role})", include_hidden=True)).to_be_attached()


def check_menu_opens(page: Page) -> None:
    """The folded menu opens with the keyboard and shows its links; closed again, the bar is compact."""
    menu = page.get_by_role("navigation", name="Menu utama")
    first = menu.get_by_role("link").first
    expect(first).to_be_hidden()
    page.locator("details.menu > summary").focus()
    page.keyboard.press("Enter")
    expect(first).to_be_visible()
    page.keyboard.press("Enter")
    expect(first).to_be_hidden()


def test_every_page_fits_a_phone_with_a_compact_header(journey: Journey):
    j = journey
    number, pin = register(j, "Tanda Daftar Usaha Pariwisata (TDUP)", TDUP_DATA)
    figures: dict[str, dict] = {}

    phone = j.phone()
    for path in PUBLIC_PAGES:
        measure(j, phone, path, figures)
    check_menu_opens(phone)
    track(j, phone, number, pin)
    figures["/lacak/<nomor>/ (hasil)"] = phone.evaluate(MEASURE)
    phone.screenshot(path="/tmp/phone-track-result.png", full_page=True)

    for role in ROLES:
        page = j.phone()
        log_in(j, page, role)
        check_menu_opens(page)
        todo = links(page, 'nav[aria-label="Menu utama"] a')
        assert todo, f"{role} has no menu"
        seen: set[str] = set()
        while todo:
            path = todo.pop(0)
            if path in seen:
                continue
            seen.add(path)
            measure(j, page, path, figures)
            todo += links(page, "main .subnav a")  # the leaders' sub-menu: stalled files, officers, ...
        if role == "head":
            page.goto(j.url("/pimpinan/"))
            page.screenshot(path="/tmp/phone-pimpinan.png", full_page=True)

    report = "\n".join(
        f"{p}: header {f['header']:.0f} px, width {f['scrollWidth']}/{f['innerWidth']}" for p, f in figures.items()
    )
    print("\n" + report)
    tall = [p for p, f in figures.items() if f["header"] > HEADER_MAX_PX]
    wide = [p for p, f in figures.items() if f["scrollWidth"] > f["innerWidth"]]
    assert not tall, f"header taller than {HEADER_MAX_PX} px on a 360 px phone:\n{report}"
    assert not wide, f"pages that scroll sideways on a 360 px phone: {wide}\n{report}"
    assert {"/pimpinan/", "/pimpinan/tersendat/", "/sk/antrian/"} <= set(figures), sorted(figures)
    assert j.problems == []
