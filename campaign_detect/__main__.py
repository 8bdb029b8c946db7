"""`python -m campaign_detect` runs the command-line tool."""

from campaign_detect.cli import cli

cli(prog_name="campaign-detect")
