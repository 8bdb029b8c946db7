"""The detection signals: co-action, bursts and templates, each usable on its own."""

from campaign_detect.signals.bursts import BURST_SCHEMA, detect_bursts
from campaign_detect.signals.coaction import (
    OBJECT_KINDS,
    CoactionResult,
    coaction_edges,
    coaction_events,
    estimate_window,
)
from campaign_detect.signals.templates import TemplateResult, TemplateStats, template_groups

__all__ = [
    "BURST_SCHEMA",
    "OBJECT_KINDS",
    "CoactionResult",
    "TemplateResult",
    "TemplateStats",
    "coaction_edges",
    "coaction_events",
    "detect_bursts",
    "estimate_window",
    "template_groups",
]
