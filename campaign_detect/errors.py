"""The exception hierarchy: every error the library raises on purpose is a `CampaignDetectError`.

The CLI maps `InputError` to exit code 2 (the user can fix the input or the options) and every
other `CampaignDetectError` to exit code 1 (the run itself failed).
"""

from __future__ import annotations

__all__ = ["AnalysisError", "CampaignDetectError", "InputError"]


class CampaignDetectError(Exception):
    """Root of the errors raised by campaign_detect."""


class InputError(CampaignDetectError):
    """The input files or the options cannot be used; the message names the file, row or
    column and says what to do."""


class AnalysisError(CampaignDetectError):
    """The analysis could not be completed on input that was itself acceptable."""
