"""The README's first command: `reactivity annotate --example` on the packaged example library."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from reactivity.cli import app


def test_example_library_is_annotated_with_the_expected_statuses(tmp_path):
    out = tmp_path / "example_annotated.sdf"
    result = CliRunner().invoke(app, ["annotate", "--example", "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    statuses = re.findall(r">  <RX_STATUS>\r?\n(\w+)", text)
    # by construction of the example file (see its provenance line): 6 benzodiazepin-2-ones and 2 saturated rings,
    # 5 molecules without the ring (clobazam, 1,4-diazepan-5-one, alprazolam, caffeine, paracetamol), 1 broken record
    assert len(statuses) == 14
    assert statuses.count("ok") == 8 and statuses.count("no_scaffold") == 5 and statuses.count("error") == 1
    assert "1,4-diazepan-5-one" in text  # a near miss is named
    assert "14 records: 8 with scaffold, 5 no scaffold, 1 error" in result.stderr


def test_annotate_without_input_is_a_usage_error():
    result = CliRunner().invoke(app, ["annotate"])
    assert result.exit_code == 2
    assert "no INPUT given" in result.stderr
