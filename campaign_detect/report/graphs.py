"""Account graphs as files for Gephi, Cytoscape, networkx, spreadsheets and data tools.

`write_graph` picks the format from the file suffix:

- ``.graphml`` and ``.gexf``: the whole graph, node and edge attributes included (Gephi
  reads both). Lists become ``"; "``-joined strings and datetimes ISO 8601 UTC strings
  (``2023-09-18T10:00:00Z``), since neither format has list or time types that every
  reader understands. Missing values are left out of the element.
- ``.csv``: the edge list, written with a real CSV writer; text cells starting with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return get a leading ``'`` so that a spreadsheet
  does not run them as formulas (post text and account names are written by strangers).
- ``.parquet``: the edge list with its native types (lists stay lists).
"""

from __future__ import annotations

import csv
import os
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.evidence import member_marks
from campaign_detect.report.output import atomic_path, check_output
from campaign_detect.report.tabular import escape_cell

if TYPE_CHECKING:
    from campaign_detect.pipeline import ScanResult

__all__ = ["GRAPH_FORMATS", "account_nodes", "coaction_graph", "write_graph"]

GRAPH_FORMATS: tuple[str, ...] = (".graphml", ".gexf", ".csv", ".parquet")

# GEXF gives these attribute names a meaning of its own (time spells, ids, drawing);
# plain attributes with these names are renamed with a trailing underscore
# characters XML 1.0 cannot hold, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_GEXF_RESERVED = frozenset({"id", "pid", "start", "end", "spells", "viz", "label", "weight"})


def _text(value: Any) -> Any:
    """A cell value as GraphML/GEXF can hold it: lists and times become strings."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, list | tuple):
        return "; ".join("" if v is None else str(_text(v)) for v in value)
    return value


def _node_key(nodes: pl.DataFrame) -> str:
    for name in ("account", "id"):
        if name in nodes.columns:
            return name
    raise InputError(
        f"nodes frame has no 'account' (or 'id') column to name the nodes; columns: {nodes.columns}"
    )


def _check_edges(edges: pl.DataFrame) -> None:
    missing = [c for c in ("a", "b") if c not in edges.columns]
    if missing:
        raise InputError(
            f"edges frame has no column(s) {missing}; it needs 'a' and 'b' (account keys), "
            f"columns: {edges.columns}"
        )


def _xml(value: Any) -> Any:
    """A string as XML 1.0 can hold it: the control characters it cannot are U+FFFD."""
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def _attributes(row: dict[str, Any], skip: set[str], reserved: frozenset[str]) -> dict:
    out = {}
    for key, value in row.items():
        if key in skip or value is None:
            continue
        out[key + "_" if key in reserved else key] = _xml(_text(value))
    return out


def _networkx(nodes: pl.DataFrame, edges: pl.DataFrame, *, gexf: bool) -> nx.Graph:
    """An undirected networkx graph, nodes in frame order, then edge-only nodes sorted."""
    graph = nx.Graph()
    key = _node_key(nodes) if nodes.width else "account"
    reserved = _GEXF_RESERVED if gexf else frozenset()
    node_reserved = reserved - {"label"}
    for row in nodes.iter_rows(named=True) if nodes.width else []:
        attrs = _attributes(row, {key}, node_reserved)
        if gexf and "label" not in attrs:
            attrs["label"] = _xml(str(row.get("account_name") or row[key]))
        graph.add_node(_xml(str(row[key])), **attrs)
    known = set(graph.nodes)
    for name in sorted((set(edges["a"].to_list()) | set(edges["b"].to_list())) - known):
        graph.add_node(_xml(str(name)), **({"label": _xml(str(name))} if gexf else {}))
    edge_reserved = reserved - {"weight"}
    for row in edges.iter_rows(named=True):
        a, b = _xml(str(row["a"])), _xml(str(row["b"]))
        graph.add_edge(a, b, **_attributes(row, {"a", "b"}, edge_reserved))
    return graph


def _write_csv(edges: pl.DataFrame, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(edges.columns)
        for row in edges.iter_rows():
            writer.writerow([escape_cell("" if v is None else _text(v)) for v in row])


def write_graph(nodes: pl.DataFrame, edges: pl.DataFrame, path: str | os.PathLike) -> None:
    """Write an account graph to `path`, in the format its suffix names.

    Parameters
    ----------
    nodes
        One row per account: an ``account`` (or ``id``) column with the node key, any other
        columns as node attributes (an ``account_name`` becomes the GEXF label). May be
        empty; accounts found only in `edges` are added without attributes.
    edges
        One row per edge: ``a`` and ``b`` (node keys), any other columns as edge attributes
        (e.g. the `coaction_edges` columns; ``weight`` is the edge weight Gephi uses).
    path
        Destination; the suffix chooses the format: ``.graphml``, ``.gexf`` (whole graph),
        ``.csv``, ``.parquet`` (edge list only).

    Raises
    ------
    InputError
        For an unknown suffix (the message lists the supported ones), missing ``a``/``b``
        or node key columns, or a path that cannot be written.

    Examples
    --------
    >>> import polars as pl, tempfile, pathlib, networkx as nx
    >>> nodes = pl.DataFrame({"account": ["ani", "budi"], "cluster": [0, 0]})
    >>> edges = pl.DataFrame({"a": ["ani"], "b": ["budi"], "weight": [2.5],
    ...                       "kinds": [["hashtag", "url"]]})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "g.graphml"
    >>> write_graph(nodes, edges, out)
    >>> nx.read_graphml(out).edges["ani", "budi"]["kinds"]
    'hashtag; url'
    """
    target = check_output(path, suffixes=GRAPH_FORMATS, kind="graph")
    suffix = target.suffix.lower()
    _check_edges(edges)
    try:
        with atomic_path(target) as temporary:
            if suffix == ".parquet":
                edges.write_parquet(temporary)
            elif suffix == ".csv":
                _write_csv(edges, temporary)
            elif suffix == ".graphml":
                nx.write_graphml(_networkx(nodes, edges, gexf=False), temporary)
            else:
                nx.write_gexf(_networkx(nodes, edges, gexf=True), temporary)
    except OSError as exc:
        raise InputError(f"{target}: cannot write the graph file ({exc.strerror or exc})") from exc


def coaction_graph(
    result: ScanResult, *, min_repeats: int = 1
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The scan's whole co-action network, marked with what the scan reported: every
    account with a link (its ``account_name``, ``n_posts``, and where it is a member of a
    reported cluster that cluster's rank as ``cluster``, its ``score`` and the member's
    ``lead`` flag) and every link with at least `min_repeats` events (the co-action edge
    columns, plus ``cluster`` when both ends belong to the same reported cluster).

    A Gephi user can colour by ``cluster`` and see where the reported clusters sit in the
    network around them; accounts and links outside them have no ``cluster``."""
    edges = result.coaction.edges.filter(pl.col("n_events") >= min_repeats)
    marked = member_marks(result.clusters, result.members)
    nodes = account_nodes(result.posts, edges).join(marked, on="account", how="left")
    side = marked.select("account", "cluster")
    edges = (
        edges.join(side.rename({"account": "a", "cluster": "cluster_a"}), on="a", how="left")
        .join(side.rename({"account": "b", "cluster": "cluster_b"}), on="b", how="left")
        .with_columns(
            pl.when(pl.col("cluster_a") == pl.col("cluster_b"))
            .then(pl.col("cluster_a"))
            .alias("cluster")
        )
        .drop("cluster_a", "cluster_b")
    )
    return nodes, edges


def account_nodes(posts: pl.DataFrame, edges: pl.DataFrame) -> pl.DataFrame:
    """The accounts of `edges` with their ``account_name`` and ``n_posts``, in account
    order: the nodes of an edge list."""
    from campaign_detect.report.signals import account_names

    linked = pl.concat([edges["a"], edges["b"]]).unique().implode()
    return (
        account_names(posts)
        .join(posts.group_by("account").agg(pl.len().cast(pl.Int64).alias("n_posts")), on="account")
        .filter(pl.col("account").is_in(linked))
        .sort("account")
    )
