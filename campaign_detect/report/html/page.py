"""The HTML page of a scan: the run's accounting and settings, the ranked clusters, then one
section per cluster with its timeline, network, script, significance and posts.

All text from the data is escaped with `esc`; no attribute is built from the data except
``data-*`` values and ``id``s made of integers; the only script is the package's own
``report.js``, allowed by its hash in the page's Content-Security-Policy, which forbids
every load from elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import polars as pl

from campaign_detect.report.html.svg import esc, network_svg, timeline_svg
from campaign_detect.report.html.views import MAX_EVENTS, ClusterView, cluster_view
from campaign_detect.report.timeline import cluster_timeline

if TYPE_CHECKING:
    from campaign_detect.pipeline import ScanResult

__all__ = ["MAX_SECTIONS", "render_html"]

NONE = "\u2013"  # an en dash: no value

#: clusters given a section of their own; the ranked table lists them all
MAX_SECTIONS = 50

_SUBSCORES = (
    ("synchrony", "sync", "share of posts made within the co-action window of another member's"),
    ("template_share", "script", "share of posts that are variants of one script"),
    ("repeated_coaction", "repeat", "share of links made of more than one co-action"),
    ("focus", "focus", "how few hashtags and targets the cluster pushes"),
    ("burst_alignment", "burst", "share of posts inside a burst of their hashtag"),
)

FALSE_POSITIVES = (
    "Breaking news, fandoms and daily hashtags: many accounts, one tag, one window. They "
    "rarely share a script or act together more than once; when they appear, their scores "
    "are low.",
    "News aggregators and share buttons: accounts that repost the same links within seconds "
    "for real, automated but not necessarily deceptive.",
    "Openly mobilised real people: the #KamiUMKMdiTikTok sellers were real accounts following "
    "a script they had been sent. Coordination is not inauthenticity.",
)


def _version() -> str:
    """The installed tool's version, read from its metadata: the report sits below the
    package root in the layering, so it does not import ``campaign_detect.__version__``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("campaign-detect")
    except PackageNotFoundError:
        return "unknown"


def _asset(name: str) -> str:
    return files("campaign_detect.report.html").joinpath(name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _when(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%S UTC")


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return NONE
    if isinstance(value, float):
        if value != value:  # NaN
            return NONE
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else esc(value)


def _pct(value: float | None) -> str:
    return NONE if value is None or value != value else f"{100 * value:.0f}%"


def _p(value: float | None) -> str:
    if value is None:
        return NONE
    return "&lt; 0.000001" if value < 1e-6 else f"{value:.6f}".rstrip("0").rstrip(".")


def _bin_name(width: timedelta) -> str:
    hours = width / timedelta(hours=1)
    return "hour" if hours == 1 else f"{hours:g} hours"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _meter(value: float | None, label: str) -> str:
    if value is None or value != value:
        return f'<span class="muted">{NONE}</span>'
    return f'<meter min="0" max="1" value="{value:.3f}" title="{esc(label)}"></meter> {_pct(value)}'


def _tags(record: dict[str, Any], limit: int = 3) -> str:
    tags = " ".join("#" + t for t in record["hashtags"][:limit])
    targets = " ".join("@" + m for m in record["mentions"][:1])
    return esc(f"{tags} {targets}".strip() or NONE)


def _table(
    header: list[str], rows: list[list[str]], *, id_: str = "", cls: str = "", nums=()
) -> str:
    """A table; ``rows`` hold HTML already escaped; columns in ``nums`` align right."""
    head = "".join(f"<th{' class=num' if i in nums else ''}>{h}</th>" for i, h in enumerate(header))
    body = "".join(
        "<tr>"
        + "".join(
            cell
            if cell.startswith("<td")
            else f"<td{' class=num' if i in nums else ''}>{cell}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    attrs = (f' id="{id_}"' if id_ else "") + (f' class="{cls}"' if cls else "")
    return (
        f'<div class="scroll"><table{attrs}><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _run_section(result: ScanResult, records: list[dict[str, Any]], notes: list[str]) -> str:
    out = ['<section id="run"><h2>The run</h2><div class="grid">']
    stats = result.stats
    if stats is None:
        out.append("<div><h3>Input</h3><p>Posts given as a frame in Python: no accounting.</p>")
    else:
        rows = [
            ["rows read", _num(stats.rows_read)],
            ["rows rejected", _num(stats.rows_rejected)],
            ["duplicates dropped", _num(stats.rows_deduplicated)],
            ["posts kept", _num(stats.rows_kept)],
            ["rows with invalid UTF-8 (kept)", _num(stats.invalid_utf8_rows)],
        ]
        for reason, rejected in stats.rejected.items():
            if rejected.count:
                first = ", ".join(f"{f}:{r}" for f, r in rejected.first[:5])
                rows.append(
                    [
                        f"&nbsp;&nbsp;rejected: {esc(reason)}",
                        f"{_num(rejected.count)} <span class=muted>(first: {esc(first)})</span>",
                    ]
                )
        out.append("<div><h3>Input accounting</h3>")
        out.append(_table(["", "rows"], rows, nums=(1,)))
        out.append(
            '<dl class="facts"><dt>files</dt><dd>'
            + "<br>".join(
                f"{esc(f.path)} ({esc(f.format)}, {_num(f.rows_read)} rows)" for f in stats.files
            )
            + f"</dd><dt>time span</dt><dd>{_when(stats.time_min)} → {_when(stats.time_max)}</dd>"
            f"<dt>times without a zone</dt><dd>{_num(stats.naive_time_rows)}, read as "
            f"{esc(stats.timezone_assumed)}</dd></dl>"
        )
        for notice in stats.notices:
            out.append(f'<p class="note">notice: {esc(notice)}</p>')
    out.append("</div>")
    coaction = result.coaction
    out.append("<div><h3>Signals</h3>")
    out.append(
        '<dl class="facts">'
        f"<dt>co-action window Δt</dt><dd>{esc(_duration(coaction.window))} "
        f"({'estimated from the data' if coaction.window_estimated else 'given'})</dd>"
        f"<dt>co-action links</dt><dd>{_num(coaction.edges.height)}</dd>"
        f"<dt>bursts</dt><dd>{_num(result.bursts.height)}</dd>"
        f"<dt>scripts (templates)</dt><dd>{_num(result.templates.groups.height)}</dd>"
        f"<dt>clusters reported</dt><dd>{len(records)}</dd></dl></div>"
    )
    out.append("<div><h3>Bounded or skipped</h3><ul>")
    out.extend(f"<li>{note}</li>" for note in notes)
    out.append("</ul></div></div>")
    config = result.config.to_dict()
    rows = [[esc(k), esc(_setting(v))] for k, v in config.items()]
    out.append(
        "<details><summary>Settings of this scan (pass them back as a TOML "
        "<code>--config</code> to rerun)</summary>"
        + _table(["setting", "value"], rows)
        + "</details></section>"
    )
    return "".join(out)


def _setting(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or NONE
    return NONE if value is None else str(value)


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _bounded_notes(result: ScanResult, n_clusters: int) -> list[str]:
    notes = []
    bounded = result.coaction.bounded
    if bounded.height:
        top = bounded.sort(["n_accounts", "object"], descending=[True, False]).head(5)
        shown = ", ".join(
            f"{r['kind']} {r['object']} ({r['n_accounts']} accounts)"
            for r in top.iter_rows(named=True)
        )
        notes.append(
            f"{_num(bounded.height)} busy object windows held more accounts than the cap "
            f"({result.config.max_accounts_per_window}) and were bounded: "
            f"{esc(shown)}{' …' if bounded.height > 5 else ''}."
        )
    else:
        notes.append("No object window was busy enough to be bounded.")
    st = result.templates.stats
    if st.n_bounded_features or st.n_pairs_skipped:
        notes.append(
            f"Scripts: {_num(st.n_bounded_features)} very common text features bounded, "
            f"{_num(st.n_pairs_skipped)} candidate text pairs skipped by the per-text cap."
        )
    if not result.config.null_rounds:
        notes.append("Significance skipped (null_rounds = 0): no observed-vs-expected test.")
    if n_clusters > MAX_SECTIONS:
        notes.append(
            f"Only the first {MAX_SECTIONS} of {n_clusters} clusters have a section of their "
            "own; the ranked table lists them all."
        )
    notes.append(
        f"Each cluster shows at most {MAX_EVENTS} of its co-action events (spread over its "
        "window) and the posts behind them, its 80 most linked members and their 160 "
        "strongest links: the page samples what it shows, and says so where it did."
    )
    return notes


def _ranked(records: list[dict[str, Any]]) -> str:
    header = ["#", "score", "accounts", "posts", "hashtags / targets", "window (UTC)"]
    header += [short for _, short, _ in _SUBSCORES] + ["× chance", "p (adj.)"]
    rows = []
    for r in records:
        s, sig = r["subscores"], r["significance"]
        link = (
            f'<a href="#cluster-{r["rank"]}">{r["rank"]}</a>'
            if r["rank"] <= MAX_SECTIONS
            else str(r["rank"])
        )
        rows.append(
            [
                f'<td class=num data-v="{r["rank"]}">{link}</td>',
                _num(r["score"], 1),
                _num(r["n_accounts"]),
                _num(r["n_posts"]),
                f'<td class="tags">{_tags(r)}</td>',
                esc(f"{r['start'][:16].replace('T', ' ')} → {r['end'][:16].replace('T', ' ')}"),
                *(
                    f'<td data-v="{-1 if s[key] is None else s[key]}">{_meter(s[key], help_)}</td>'
                    for key, _, help_ in _SUBSCORES
                ),
                _num(sig["ratio"], 1),
                _p(sig["p_adjusted"]),
            ]
        )
    if not rows:
        return (
            '<section id="clusters"><h2>Clusters</h2><p>No coordinated clusters met the '
            "thresholds.</p></section>"
        )
    return (
        '<section id="clusters"><h2>Ranked clusters</h2>'
        '<p class="note">Best first. Click a column header to sort (with JavaScript on). '
        "Sub-scores run from 0 to 1; “× chance” is observed co-posting over what the null "
        "model expects.</p>"
        + _table(header, rows, id_="ranked", cls="ranked sortable", nums=(1, 2, 3, 11, 12))
        + "</section>"
    )


def _script(record: dict[str, Any], view: ClusterView) -> str:
    template = record["evidence"]["template"]
    if template is None:
        return "<h3>Script</h3><p>No shared script: the members' texts are not variants of one.</p>"
    out = [
        "<h3>Script and its variants</h3>",
        f"<p>{template['n_variants']} variants, {template['n_posts']} posts by "
        f"{template['n_accounts']} accounts in the whole input, mean similarity "
        f"{template['mean_similarity']:.2f} to the representative:</p>",
        f'<p class="skeleton">“{esc(view.skeleton or template["text"])}”</p>',
    ]
    if view.variants:
        out.append(
            f'<p class="note">As this cluster posted it: {len(view.variants)} of '
            f"{view.n_variants} distinct texts, most posted first. "
            '<span class="variant"><span class="core">highlighted</span></span> words are the '
            "skeleton (in the first variant and at least half of the others); "
            '<span class="variant"><span class="diff">red</span></span> words are not in the '
            "first variant.</p>"
        )
        for v in view.variants:
            words = " ".join(f'<span class="{cls}">{esc(tok)}</span>' for tok, cls in v["tokens"])
            out.append(
                f'<div class="variant">{words} <span class="count">— {_count(v["posts"], "post")}, '
                f"{_count(v['accounts'], 'account')}</span></div>"
            )
    return "".join(out)


def _significance(record: dict[str, Any]) -> str:
    sig = record["significance"]
    if sig["copost_expected"] is None:
        return "<h3>Significance</h3><p>Not computed (null model off).</p>"
    obs, exp = sig["copost_observed"] or 0.0, sig["copost_expected"] or 0.0
    top = max(obs, exp, 1e-9)
    w = 320
    bars = (
        f'<svg class="chart" viewBox="0 0 480 58" role="img" aria-label="observed and expected">'
        f'<text x="0" y="18" font-size="12" fill="#333">observed</text>'
        f'<rect x="80" y="6" width="{obs / top * w:.1f}" height="16" fill="#c8324b"/>'
        f'<text x="{86 + obs / top * w:.1f}" y="18" font-size="12" fill="#333">{obs:.2f}</text>'
        f'<text x="0" y="46" font-size="12" fill="#333">expected</text>'
        f'<rect x="80" y="34" width="{exp / top * w:.1f}" height="16" fill="#c4cad3"/>'
        f'<text x="{86 + exp / top * w:.1f}" y="46" font-size="12" fill="#333">{exp:.2f}</text>'
        "</svg>"
    )
    return (
        "<h3>Significance</h3>"
        f"<p>Co-posting within {sig['window_seconds']} s among the members: "
        f"<strong>{_num(sig['ratio'], 1)} ×</strong> what {sig['null_rounds']} rounds of the "
        "null model (each account's times shifted at random) give; "
        f"z {_num(sig['z'])}, p {_p(sig['p_value'])}, adjusted p "
        f"{_p(sig['p_adjusted'])}. "
        + (
            ""
            if sig.get("members_beyond_chance") is None
            else f"{sig['members_beyond_chance']:.0%} of the members co-post at least twice "
            "what chance gives them."
        )
        + "</p>"
        f'<div class="sig">{bars}</div>'
    )


def _posts_table(record: dict[str, Any], view: ClusterView) -> str:
    rank = record["rank"]
    out = []
    if view.events:
        out.append(
            f"<h3>Co-action events behind the links</h3><p class=note>{len(view.events)} of "
            f"{_num(view.n_events)} events, spread over the window"
            + (" (sampled)" if len(view.events) < view.n_events else "")
            + ".</p>"
        )
        rows = [
            [
                f'<td class="when">{_when(e["ts_a"])}</td>',
                esc(e["kind"]),
                f'<td class="text">{esc(e["object"])}</td>',
                esc(e["a"]),
                esc(e["b"]),
                _num(int(abs((e["ts_b"] - e["ts_a"]).total_seconds()))),
                f'<td class="id">{esc(e["post_id_a"])}<br>{esc(e["post_id_b"])}</td>',
            ]
            for e in view.events
        ]
        out.append(
            _table(
                ["time (first)", "kind", "object", "account a", "account b", "Δt s", "posts"],
                rows,
                id_=f"events-{rank}",
                nums=(5,),
            )
        )
    title = "Posts behind the links" if view.posts_from == "links" else "Posts in the window"
    shown = len(view.posts)
    where = (
        "at both ends of the events above"
        if view.posts_from == "links"
        else "by members inside the window, spread over it"
    )
    sampled = f" Showing {shown} of {_num(view.n_posts)} (sampled)." if shown < view.n_posts else ""
    out.append(f"<h3>{title}</h3><p class=note>Posts {where}.{sampled}</p>")
    out.append(
        f'<input class="filter js-only" type="search" data-table="posts-{rank}" '
        f'data-role="posts" placeholder="filter these posts (account, text, id)" '
        f'aria-label="filter posts of cluster {rank}">'
    )
    rows = [
        [
            f'<td class="id">{esc(p["post_id"])}</td>',
            esc(p["account_name"]),
            f'<td class="when">{_when(p["ts"])}</td>',
            f'<td class="text">{esc(p["text"])}</td>',
            f'<td class="id">{esc(p["file"])}:{p["row"]}</td>',
        ]
        for p in view.posts
    ]
    out.append(
        _table(["post id", "account", "time", "text", "input row"], rows, id_=f"posts-{rank}")
    )
    return "".join(out)


def _howto(record: dict[str, Any]) -> str:
    s = record["subscores"]
    hints = []
    share = s.get("template_share") or 0
    if not share:
        hints.append(
            "This cluster shares no script: its case rests on timing and repeated co-action, "
            "the pattern of crowds around news too. Read the posts before concluding."
        )
    elif share < 0.3:
        hints.append(
            f"Only {_pct(share)} of its posts are variants of one script: most of what its "
            "members posted is their own."
        )
    if (s.get("burst_alignment") or 0) < 0.3:
        hints.append(
            "Few of its posts fall inside a burst of their hashtag: steady traffic, such as "
            "a daily greeting tag used by the same regulars, looks like this."
        )
    if (s.get("repeated_coaction") or 0) < 0.6:
        hints.append(
            "Many of its links are single coincidences rather than repeated acts together."
        )
    if (record["significance"].get("ratio") or 0) < 2:
        hints.append("Its co-posting is less than twice what chance gives: weak evidence.")
    specific = "".join(f"<li>{esc(h)}</li>" for h in hints)
    fp = "".join(f"<li>{esc(x)}</li>" for x in FALSE_POSITIVES)
    return (
        '<div class="howto"><h3>How to read this</h3><p>The timeline shows whether the '
        "members' posts (red) came in a burst above the hashtag's usual traffic (grey, with "
        "its baseline dashed). The network shows who acted with whom: thicker lines are more "
        "co-action events, orange nodes posted first in most of theirs. The script shows how "
        "alike the texts are. None of this is a verdict: it is evidence of coordination.</p>"
        + (f"<p><strong>About this cluster:</strong></p><ul>{specific}</ul>" if specific else "")
        + f"<p><strong>Known false positives:</strong></p><ul>{fp}</ul></div>"
    )


def _legend(timeline) -> str:
    tag = esc(timeline.tag) if timeline.tag else ""
    items = [
        ("sw-cluster", f"the cluster's posts with {tag}" if tag else "the cluster's posts"),
        ("sw-traffic", f"every account's posts with {tag}" if tag else "all posts"),
        ("sw-window", "the cluster's window"),
    ]
    if timeline.baseline is not None:
        items.append(("sw-baseline", "baseline"))
    return (
        '<p class="legend">'
        + " ".join(
            f'<span class="item"><span class="sw {cls}"></span>{text}</span>' for cls, text in items
        )
        + "</p>"
    )


def _cluster_section(result: ScanResult, row: dict, record: dict, member_posts) -> str:
    rank = record["rank"]
    view = cluster_view(result, row, member_posts)
    timeline = cluster_timeline(result, row)
    ev = record["evidence"]
    movers = ", ".join(
        f"{m['account']} (first in {100 * m['lead']:.0f}% of {m['links']} links)"
        for m in ev["first_movers"]
    )
    s = record["subscores"]
    facts = [
        (
            "window",
            f"{record['start'][:16].replace('T', ' ')} → {record['end'][:16].replace('T', ' ')}"
            f" UTC ({record['duration_hours']:g} hours)",
        ),
        ("accounts / posts", f"{record['n_accounts']} / {record['n_posts']}"),
        ("hashtags", " ".join("#" + h for h in record["hashtags"]) or NONE),
        ("targets", " ".join("@" + m for m in record["mentions"]) or NONE),
        ("first movers", movers or NONE),
        ("amplification", f"{record['amplification']} accounts per pushed object"),
    ]
    out = [
        f'<section class="cluster" id="cluster-{rank}">',
        f"<h2>Cluster {rank} · score {record['score']:.1f} · {record['n_accounts']} accounts</h2>",
        f'<p class="lead">{esc(ev["explanation"])}</p>',
        '<div class="grid"><dl class="facts">',
        "".join(f"<dt>{k}</dt><dd>{esc(v)}</dd>" for k, v in facts),
        '</dl><dl class="facts">',
        "".join(
            f"<dt>{short}</dt><dd>{_meter(s[key], help_)} <span class=note>{help_}</span></dd>"
            for key, short, help_ in _SUBSCORES
        ),
        "</dl></div>",
        "<h3>Timeline</h3><figure>",
        _legend(timeline),
        '<div class="scroll">' + timeline_svg(timeline) + "</div>",
        f"<figcaption>Posts per {_bin_name(timeline.bin)}"
        + (
            f" (UTC) with {esc(timeline.tag)}: the cluster's members (red) against every "
            "account's (grey); "
            if timeline.tag
            else " (UTC): the cluster's members (red) against every account's (grey); "
        )
        + (
            f"baseline: {esc(timeline.baseline_source)}."
            if timeline.baseline is not None
            else "no baseline (too little history)."
        )
        + " Hover a bar for its counts.</figcaption></figure>",
        "<h3>Network of its members</h3>",
    ]
    if view.edges:
        out.append(
            '<figure><div class="scroll">'
            + network_svg(view.nodes, view.edges, rank=rank)
            + "</div>"
            + f"<figcaption>{len(view.nodes)} of {view.n_members} members and {len(view.edges)} "
            f"of {_num(view.n_links)} links (the strongest); line width = co-action events, "
            "orange = a first mover (posted first in more than half of its co-action events), "
            "circle size = links. Laid out with igraph "
            "(Fruchterman-Reingold). With JavaScript on, click a member to see its links "
            "and posts.</figcaption></figure>"
        )
    else:
        out.append(
            "<p>No co-action links between the members: the cluster was found by the script "
            "or object they pushed together, not by pairwise co-posting.</p>"
        )
    out.append(_script(record, view))
    out.append(_significance(record))
    out.append(_posts_table(record, view))
    out.append(
        f"<details><summary>All {record['n_accounts']} accounts</summary><p>"
        + esc(", ".join(record["accounts"]))
        + "</p></details>"
    )
    out.append(_howto(record))
    out.append('<p class="note"><a href="#clusters">back to the ranked list</a></p></section>')
    return "".join(out)


def render_html(result: ScanResult, *, title: str | None = None) -> str:
    """The scan as one self-contained HTML page (see the module docstring).

    The same result gives the same bytes: nothing on the page depends on the clock.
    """
    version = _version()
    records = result.records()
    rows = {r["rank"]: r for r in result.clusters.iter_rows(named=True)}
    css, js = _asset("report.css"), _asset("report.js")
    csp = (
        "default-src 'none'; "
        f"style-src 'sha256-{_sha256(css)}'; script-src 'sha256-{_sha256(js)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    inputs = (
        ", ".join(f.path for f in result.stats.files) if result.stats is not None else "a frame"
    )
    title = title or f"campaign-detect report: {inputs}"
    shown = records[:MAX_SECTIONS]
    member_posts = (
        result.posts.join(
            result.members.filter(
                pl.col("cluster").is_in([rows[r["rank"]]["cluster"] for r in shown])
            ).select("account", "cluster"),
            on="account",
        ).partition_by("cluster", as_dict=True, include_key=False)
        if shown
        else {}
    )
    toc = " ".join(f'<a href="#cluster-{r["rank"]}">cluster {r["rank"]}</a>' for r in shown)
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="campaign-detect {esc(version)}">',
        f"<title>{esc(title)}</title><style>{css}</style></head><body>",
        '<header class="top"><h1>Coordinated-campaign report</h1>',
        f'<p class="muted">{esc(inputs)} · campaign-detect {esc(version)}</p>',
        '<p><span class="verdict">Coordination evidence, not a verdict.</span> Each cluster '
        "below is a group of accounts that posted together more than chance explains; read "
        "its posts before drawing a conclusion.</p>",
        f'<nav class="toc"><a href="#run">the run</a> <a href="#clusters">ranked clusters</a> '
        f"{toc}</nav></header><main>",
        _run_section(result, records, _bounded_notes(result, len(records))),
        _ranked(records),
    ]
    for record in shown:
        row = rows[record["rank"]]
        posts = member_posts.get((row["cluster"],), result.posts.clear())
        parts.append(_cluster_section(result, row, record, posts))
    parts.append(
        "</main><footer><p>Made by campaign-detect "
        f"{esc(version)}. Everything on this page is in this one file: it makes no network "
        "request and works offline, with or without JavaScript. Scores, sub-scores and the "
        "null model are described in the tool's docs/scoring.md.</p>"
        f"<p>Known false positives: {' '.join(esc(x) for x in FALSE_POSITIVES)}</p></footer>"
        f"<script>{js}</script></body></html>\n"
    )
    return "".join(parts)
