"""The HTML report: one self-contained page per scan, for people who would rather look.

`render_html` turns a `ScanResult` into the page (written like every output, by
`campaign_detect.report.output`: checked before the scan, never over an input, atomically).
The charts are hand-written SVG (see `svg`), so the report needs nothing beyond the core
install.
"""

from __future__ import annotations

from campaign_detect.report.html.page import MAX_SECTIONS, render_html

__all__ = ["MAX_SECTIONS", "render_html"]
