"""Make docs/report.png, the README's picture of the report of the bundled sample.

Run from the repository root with the ``[browser]`` extra and Debian's chromium::

    .venv/bin/python docs/screenshot.py

It renders the report, opens it in headless Chromium (no network: the page is served by
playwright's interceptor) and captures cluster 1 from its heading to its network.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from campaign_detect import scan
from campaign_detect.report.html import render_html

ROOT = Path(__file__).resolve().parent.parent
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> int:
    html = render_html(scan("fixtures/kami_umkm_sample.csv"))
    out = ROOT / "docs" / "report.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.route(
            "**/*",
            lambda route: (
                route.fulfill(body=html, content_type="text/html; charset=utf-8")
                if route.request.url == "http://report.invalid/"
                else route.abort()
            ),
        )
        page.goto("http://report.invalid/")
        top = page.locator("#cluster-1").bounding_box()
        end = page.locator("#cluster-1 figure").nth(1).bounding_box()
        assert top
        assert end
        clip = {
            "x": 0,
            "y": top["y"] - 8,
            "width": 1100,
            "height": end["y"] + end["height"] - top["y"] + 16,
        }
        page.screenshot(path=str(out), clip=clip, full_page=True)
        browser.close()
    sys.stdout.write(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
