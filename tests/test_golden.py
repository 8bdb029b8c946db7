"""Golden outputs: the whole JSON of `scan` on the bundled sample and on a 20k-post synth
input, byte for byte.

These pin the detector's output while code moves around it. A change that alters them on
purpose (a detector change) regenerates them with ``python tests/test_golden.py`` and says
so in its commit, with the quality figures (`bench/quality.py`) that justify it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from campaign_detect import scan
from campaign_detect.synth import generate, write

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"
SAMPLE = ROOT / "fixtures" / "kami_umkm_sample.csv"
SYNTH = {"posts": 20_000, "seed": 5}
PLACEHOLDER = "<synth>/posts.csv"


def _sample_json() -> str:
    return scan(str(SAMPLE.relative_to(ROOT))).to_json()


def _synth_json(directory: Path) -> str:
    path = write(generate(SYNTH["posts"], seed=SYNTH["seed"]), directory)["posts"]
    return scan(str(path)).to_json().replace(str(path), PLACEHOLDER)


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.mark.usefixtures("at_root")
def test_sample_json_is_unchanged():
    assert _sample_json() == (GOLDEN / "sample.json").read_text(encoding="utf-8")


def test_synth_json_is_unchanged(tmp_path):
    assert _synth_json(tmp_path) == (GOLDEN / "synth20k_seed5.json").read_text(encoding="utf-8")


if __name__ == "__main__":  # regenerate: python tests/test_golden.py
    import os
    import tempfile

    os.chdir(ROOT)
    (GOLDEN / "sample.json").write_text(_sample_json(), encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        (GOLDEN / "synth20k_seed5.json").write_text(_synth_json(Path(tmp)), encoding="utf-8")
    sys.stdout.write(f"wrote {GOLDEN}/sample.json and synth20k_seed5.json\n")
