"""The HTML report in a real browser: Debian's headless Chromium driven by playwright.

Needs the ``[browser]`` extra (playwright, whose own browser download cannot be reached
here, so it drives ``/usr/bin/chromium`` or ``$CAMPAIGN_DETECT_CHROMIUM``). `.ci/run`
installs both; elsewhere these tests are skipped with a message saying what to install.

Every request the page makes is intercepted: the report itself is served from a made-up
origin by the interceptor, and anything else is recorded and refused.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from html_inputs import HOSTILE, SAMPLE, hostile_input

from campaign_detect import scan
from campaign_detect.report.html import render_html

pytestmark = pytest.mark.browser

ORIGIN = "http://report.invalid"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium() -> str | None:
    given = os.environ.get("CAMPAIGN_DETECT_CHROMIUM")
    if given:
        return given
    return next((p for p in ("/usr/bin/chromium", shutil.which("chromium")) if p), None)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="browser tests need playwright: pip install -e '.[test,browser]'",
    )
    executable = _chromium()
    if executable is None or not Path(executable).exists():
        pytest.skip(
            "browser tests need Chromium: apt-get install chromium (or set "
            "CAMPAIGN_DETECT_CHROMIUM to a Chromium binary); .ci/run installs it"
        )
    with sync_api.sync_playwright() as p:
        # playwright starts Chromium with a fresh, empty profile (a temporary
        # --user-data-dir of its own) on every launch
        launched = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Page:
    """A page showing one report, with everything it tried to do recorded."""

    def __init__(self, browser, html: str, *, width=1280, height=800, javascript=True):
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, java_script_enabled=javascript
        )
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))
        self.page.on("dialog", self._dialog)
        self.html = html
        self.page.goto(f"{ORIGIN}/report.html", wait_until="load")

    def _route(self, route):
        url = route.request.url
        if url == f"{ORIGIN}/report.html":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.html)
        else:
            self.requests.append(url)
            route.abort()

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def sample():
    result = scan(str(SAMPLE))
    return result, render_html(result)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return render_html(scan(str(hostile_input(tmp_path_factory.mktemp("hostile")))))


@pytest.fixture
def open_page(browser):
    opened: list[Page] = []

    def _open(html: str, **kwargs) -> Page:
        page = Page(browser, html, **kwargs)
        opened.append(page)
        return page

    yield _open
    for page in opened:
        page.close()


def test_renders_every_cluster_without_console_errors(sample, open_page):
    result, html = sample
    shown = open_page(html)
    page = shown.page
    assert page.title().startswith("campaign-detect report")
    for rank in result.clusters["rank"]:
        section = page.locator(f"section#cluster-{rank}")
        assert section.count() == 1
        assert section.locator("svg.chart").count() >= 1
        assert section.locator("h2").inner_text().startswith(f"Cluster {rank}")
    assert page.evaluate("document.documentElement.classList.contains('js')")
    page.wait_for_timeout(200)
    assert shown.console_errors == []
    assert shown.requests == []


def test_screenshot_is_not_blank(sample, open_page):
    report = open_page(sample[1]).page.screenshot()
    blank = open_page("<!DOCTYPE html><title>blank</title>").page.screenshot()
    # a white 1280x800 PNG compresses to almost nothing; text, tables and charts do not
    assert len(report) > 10 * len(blank)


def test_no_request_leaves_the_page(sample, hostile, open_page):
    for html in (sample[1], hostile):
        shown = open_page(html)
        # exercise the interactive parts too
        shown.page.locator("section#cluster-1 svg.network .node").first.click()
        shown.page.locator("#ranked th").nth(1).click()
        shown.page.wait_for_timeout(200)
        assert shown.requests == []
        assert shown.console_errors == []


def test_hostile_post_text_is_shown_literally_and_never_runs(hostile, open_page):
    shown = open_page(hostile)
    page = shown.page
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert shown.dialogs == []
    posts = page.locator("#posts-1").inner_text()
    for text in HOSTILE:
        assert text in posts, text
    assert page.locator("#posts-1 img, #posts-1 script").count() == 0
    assert page.locator("img").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("script").count() == 1  # the report's own
    # filtering the posts to the hostile text (the script's textContent path) runs nothing
    page.locator("input.filter[data-table=posts-1]").fill("onerror")
    page.wait_for_timeout(100)
    visible = page.locator("#posts-1 tbody tr:not(.hidden)")
    assert visible.count() >= 1
    assert HOSTILE[1] in visible.first.inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert shown.dialogs == []
    assert shown.requests == []


def test_readable_with_javascript_off(sample, open_page):
    result, html = sample
    page = open_page(html, javascript=False).page
    for rank in result.clusters["rank"]:
        assert page.locator(f"section#cluster-{rank} .lead").is_visible()
    assert page.locator("#posts-1 tbody tr").first.is_visible()
    assert not page.locator("input.filter").first.is_visible()  # needs the script


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_usable_at_desktop_and_phone_width(sample, open_page, width, height):
    result, html = sample
    shown = open_page(html, width=width, height=height)
    page = shown.page
    # the page itself never scrolls sideways: wide tables scroll inside their own box
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for rank in result.clusters["rank"]:
        section = page.locator(f"section#cluster-{rank}")
        box = section.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width
        # a chart keeps a readable size: on a phone it scrolls sideways inside its box
        frame = section.locator("figure").first.bounding_box()
        assert frame is not None
        assert frame["x"] + frame["width"] <= width
        chart = section.locator("svg.chart").first.bounding_box()
        assert chart is not None
        assert chart["height"] > 100
    lead = page.locator("section#cluster-1 .lead")
    lead.scroll_into_view_if_needed()
    assert lead.is_visible()
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 14
    # the network still answers a tap on a phone
    page.locator("section#cluster-1 svg.network .node").first.click()
    assert page.locator("section#cluster-1 svg.network.dim").count() == 1
    assert shown.console_errors == []
