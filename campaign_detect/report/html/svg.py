"""Hand-written SVG charts of the HTML report: a cluster's timeline and its network.

No plotting library: the charts are a few hundred rectangles, lines and circles, so
writing the SVG directly keeps the default install light (matplotlib and vl-convert weigh
10 and 34 MB as wheels) and the output small and crisp. Every text that comes from the
data goes through `esc`. Colours and sizes are presentation attributes, never ``style``
attributes, so the page's Content-Security-Policy needs no ``'unsafe-inline'``.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta
from html import escape

import igraph as ig

from campaign_detect.report.timeline import Timeline

__all__ = ["esc", "network_svg", "timeline_svg"]

CLUSTER = "#c8324b"
TRAFFIC = "#c4cad3"
BASELINE = "#1f5f8b"
WINDOW = "#fff2c6"
NODE = "#3d5a80"
LEADER = "#e8871e"
INK = "#333"


def esc(value: object) -> str:
    """Text escaped for HTML and SVG, quotes included (safe inside attributes too)."""
    return escape("" if value is None else str(value), quote=True)


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _nice(top: int) -> int:
    """The smallest of 1, 2, 4, 5, 8 or 10 times a power of ten not below ``top``: axis
    labels at quarters of it are round numbers.

    >>> [_nice(v) for v in (1, 3, 7, 13, 47, 260)]
    [4, 4, 8, 20, 50, 400]
    """
    top = max(top, 4)
    power = 10 ** (len(str(top)) - 1)
    for m in (1, 2, 4, 5, 8, 10):
        if m * power >= top:
            return m * power
    return 10 * power


def timeline_svg(t: Timeline) -> str:
    """Bars per bin: the tag's whole traffic in grey, the cluster's posts in red over it, the
    cluster's window shaded and the baseline dashed (the legend is HTML, beside it)."""
    w, h, left, right, top, bottom = 760, 210, 44, 12, 10, 34
    n = len(t.starts)
    plot_w, plot_h = w - left - right, h - top - bottom
    ymax = _nice(max([*t.traffic, *t.cluster, math.ceil(t.baseline or 0), 1]))
    step = plot_w / max(n, 1)
    gap = 0.15 * step if step > 3 else 0

    def y(v: float) -> float:
        return top + plot_h - v / ymax * plot_h

    out = [
        f'<svg class="chart" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="posts per bin, cluster {t.rank}">'
    ]
    # the cluster's window
    x0 = left + (t.start - t.starts[0]) / t.bin * step
    x1 = left + (t.end - t.starts[0]) / t.bin * step
    out.append(
        f'<rect x="{_n(x0)}" y="{top}" width="{_n(max(x1 - x0, 1))}" height="{plot_h}" '
        f'fill="{WINDOW}"><title>cluster window</title></rect>'
    )
    # y grid and labels
    for v in range(0, ymax + 1, max(1, ymax // 4)):
        yy = y(v)
        out.append(
            f'<line x1="{left}" x2="{w - right}" y1="{_n(yy)}" y2="{_n(yy)}" stroke="#e3e6ea"/>'
            f'<text x="{left - 6}" y="{_n(yy + 4)}" text-anchor="end" font-size="11" '
            f'fill="{INK}">{v}</text>'
        )
    unit = "hour" if t.bin == timedelta(hours=1) else f"{t.bin / timedelta(hours=1):g} h"
    for i, (when, mine, total) in enumerate(zip(t.starts, t.cluster, t.traffic, strict=True)):
        x = left + i * step
        label = (
            f"{when:%Y-%m-%d %H:%M} UTC (1 {unit}): {mine} posts by the cluster, "
            f"{total} with {t.tag or 'any tag'}"
        )
        out.append(f"<g><title>{esc(label)}</title>")
        out.append(
            f'<rect x="{_n(x)}" y="{top}" width="{_n(step)}" height="{plot_h}" fill="transparent"/>'
        )
        if total:
            out.append(
                f'<rect x="{_n(x + gap / 2)}" y="{_n(y(total))}" width="{_n(step - gap)}" '
                f'height="{_n(plot_h - (y(total) - top))}" fill="{TRAFFIC}"/>'
            )
        if mine:
            out.append(
                f'<rect x="{_n(x + gap / 2)}" y="{_n(y(mine))}" width="{_n(step - gap)}" '
                f'height="{_n(plot_h - (y(mine) - top))}" fill="{CLUSTER}"/>'
            )
        out.append("</g>")
    if t.baseline is not None:
        yy = y(t.baseline)
        out.append(
            f'<line x1="{left}" x2="{w - right}" y1="{_n(yy)}" y2="{_n(yy)}" '
            f'stroke="{BASELINE}" stroke-width="1.5" stroke-dasharray="5 3">'
            f"<title>baseline {t.baseline:.2f} posts per {unit}: "
            f"{esc(t.baseline_source)}</title></line>"
        )
    # x axis: about six date labels
    out.append(
        f'<line x1="{left}" x2="{w - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="{INK}"/>'
    )
    every = max(1, math.ceil(n / 6))
    for i in range(0, n, every):
        x = left + i * step
        if x > w - right - 60:
            break
        fmt = "%d %b %H:%M" if t.bin < timedelta(days=1) else "%d %b"
        out.append(
            f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{top + plot_h}" y2="{top + plot_h + 4}" '
            f'stroke="{INK}"/><text x="{_n(x)}" y="{top + plot_h + 17}" font-size="11" '
            f'fill="{INK}">{t.starts[i].strftime(fmt)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def network_svg(
    nodes: list[dict], edges: list[tuple[int, int, int]], *, rank: int, labels: int = 6
) -> str:
    """The members (circles sized by their links, first movers in orange with a ring and a
    name) and their strongest links (lines as thick as their number of co-action events),
    laid out by igraph's Fruchterman-Reingold from a circle with a seeded generator, so the
    same data gives the same picture.

    ``nodes``: dicts with ``account`` (shown), ``key`` (canonical), ``degree``, ``leader``;
    ``edges``: ``(i, j, events)`` over node positions.
    """
    w, h, pad = 640, 440, 36
    if not nodes:
        return ""
    graph = ig.Graph(n=len(nodes), edges=[(a, b) for a, b, _ in edges])
    if edges:
        start = graph.layout_circle().coords
        # igraph's layout draws random numbers even from a given start: a private, seeded
        # generator for the call, so that the same data gives the same picture
        ig.set_random_number_generator(random.Random(0))
        try:
            layout = graph.layout_fruchterman_reingold(
                weights=[float(e) for _, _, e in edges], seed=start, niter=500
            ).coords
        finally:
            ig.set_random_number_generator(random)
    else:
        layout = graph.layout_grid().coords
    xs, ys = [p[0] for p in layout], [p[1] for p in layout]
    sx = (w - 2 * pad) / ((max(xs) - min(xs)) or 1)
    sy = (h - 2 * pad) / ((max(ys) - min(ys)) or 1)
    pos = [
        (pad + (x - min(xs)) * sx if len(nodes) > 1 else w / 2, pad + (y - min(ys)) * sy)
        for x, y in layout
    ]
    top_events = max([e for _, _, e in edges], default=1)
    top_degree = max([n["degree"] for n in nodes], default=1) or 1
    out = [
        f'<svg class="chart network" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="network of cluster {rank}">'
    ]
    for a, b, events in edges:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        out.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="#7d8b99" '
            f'stroke-opacity="0.55" stroke-width="{_n(0.6 + 3.4 * events / top_events)}" '
            f'data-a="{esc(nodes[a]["key"])}" data-b="{esc(nodes[b]["key"])}">'
            f"<title>{esc(nodes[a]['account'])} and {esc(nodes[b]['account'])}: "
            f"{events} co-action events</title></line>"
        )
    named = sorted(range(len(nodes)), key=lambda i: (not nodes[i]["leader"], -nodes[i]["degree"]))
    shown = set(named[:labels])
    for i, node in enumerate(nodes):
        x, y = pos[i]
        r = 4 + 7 * math.sqrt(node["degree"] / top_degree)
        leader = node["leader"]
        role = "first mover, " if leader else ""
        out.append(
            f'<g class="node" data-account="{esc(node["key"])}" tabindex="0">'
            f"<title>{esc(node['account'])}: {role}{node['degree']} links</title>"
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{LEADER if leader else NODE}" '
            f'stroke="{"#000" if leader else "#fff"}" stroke-width="{2 if leader else 1}"/>'
        )
        if i in shown:
            anchor = "end" if x > w * 0.7 else "start"
            dx = -(r + 3) if anchor == "end" else r + 3
            out.append(
                f'<text x="{_n(x + dx)}" y="{_n(y + 4)}" text-anchor="{anchor}" font-size="12" '
                f'fill="{INK}" stroke="#fff" stroke-width="3" paint-order="stroke">'
                f"{esc(node['account'])}</text>"
            )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
