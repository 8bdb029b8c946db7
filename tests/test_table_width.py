"""The cluster table at the widths people have: 80 columns keep whole dates and drop the
least needed columns; COLUMNS is honoured when piped."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from campaign_detect.cli import cli

SAMPLE = str(Path(__file__).parent.parent / "fixtures" / "kami_umkm_sample.csv")


@pytest.mark.parametrize("width", [80, 100, 140])
def test_the_table_fits_and_keeps_the_days(width):
    result = CliRunner().invoke(cli, ["scan", SAMPLE, "-q"], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    table = "\n".join(lines)
    # the window's days are never cut (the year shows from 120 columns on)
    assert "09-20 23:29 → " in table
    assert ("2023-09-20 23:29" in table) == (width >= 120)
    assert "×chance" in table
    assert ("posts" in table.split("\n")[2]) == (width >= 140)
