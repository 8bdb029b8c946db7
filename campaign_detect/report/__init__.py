"""Renderers: tables for people, JSON/CSV/Markdown for scripts, graph files for Gephi."""

from campaign_detect.report.graphs import GRAPH_FORMATS, write_graph

__all__ = ["GRAPH_FORMATS", "write_graph"]
