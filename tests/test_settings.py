"""Every setting is defined once: the stages' defaults, `ScanConfig`, the CLI help and
`docs/settings.md` agree, and the JSON `config` block reruns the same scan."""

from __future__ import annotations

import inspect
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from campaign_detect import ScanConfig, scan
from campaign_detect.cli import cli
from campaign_detect.clusters import ClusterParams
from campaign_detect.config import settings_table
from campaign_detect.score import SelectParams, score_clusters
from campaign_detect.signals import SignalParams

ROOT = Path(__file__).parent.parent
SAMPLE = str(ROOT / "fixtures" / "kami_umkm_sample.csv")


def test_docs_list_every_setting_with_its_default():
    assert settings_table() in (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")


def test_the_config_defaults_are_the_stages_defaults():
    config = ScanConfig()
    assert config.signal_params() == SignalParams()
    assert config.cluster_params() == ClusterParams()
    assert config.select_params() == SelectParams()
    signature = inspect.signature(score_clusters).parameters
    for name, value in config.score_settings().items():
        expected = signature[name].default
        assert (list(expected) if name == "sync_scales" else expected) == value, name


@pytest.mark.parametrize("command", ["scan", "explain"])
def test_option_help_shows_the_config_help_and_default(command):
    fields = ScanConfig.__dataclass_fields__
    options = [p for p in cli.commands[command].params if p.name in fields]
    assert len(options) >= 15
    for option in options:
        spec = fields[option.name]
        assert option.help.startswith(spec.metadata["help"]), option.name
        if spec.default not in (None, ()):
            shown = " ".join(spec.default) if isinstance(spec.default, tuple) else spec.default
            assert option.help.endswith(f"[default: {shown}]"), option.name


def _toml(config: dict) -> str:
    """The JSON config block as a TOML file (nulls are left out: TOML has none)."""

    def value(v):
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v)
        return repr(v)

    return "".join(f"{k} = {value(v)}\n" for k, v in config.items() if v is not None)


def test_the_json_config_written_as_toml_reruns_the_same_scan(tmp_path):
    config = ScanConfig(window="10m", null_rounds=5, since=datetime(2023, 9, 1, tzinfo=UTC))
    first = json.loads(scan(SAMPLE, config).to_json())
    path = tmp_path / "settings.toml"
    block = dict(first["config"])
    block["since"] = None  # TOML datetimes are not strings; the CLI sets them
    path.write_text(_toml(block), encoding="utf-8")
    again = ScanConfig.from_toml(path)
    assert again.to_dict() == {**config.to_dict(), "since": None}
    rerun = CliRunner().invoke(
        cli,
        ["scan", SAMPLE, "--config", str(path), "--since", "2023-09-01", "--format", "json"],
    )
    assert rerun.exit_code == 0, rerun.stderr
    assert json.loads(rerun.stdout)["clusters"] == first["clusters"]


def test_wide_window_off_uses_one_window():
    result = CliRunner().invoke(
        cli, ["scan", SAMPLE, "--wide-window", "off", "--format", "json", "-q"]
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["config"]["wide_window"] == "off"
    assert ScanConfig(wide_window="off").signal_params().wide_window is None
