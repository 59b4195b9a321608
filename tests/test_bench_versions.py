"""The version comparison script (benchmarks/bench_versions.py) reads the counting script's table. No timing asserted."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_versions.py"


def _module():
    spec = importlib.util.spec_from_file_location("bench_versions", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_counts_are_read_from_the_breakdown_table_and_nothing_else() -> None:
    table = (
        "LIB.sdf: 200 records, machine instructions per record (callgrind; two passes minus one pass)\n"
        "| step | million instructions per record | ratio to bare |\n"
        "|---|---|---|\n"
        "| bare | 1.255 | 1.00 |\n"
        "| sites | 4.707 | 3.75 |\n"
        "| full, full JSON | 12.600 | 10.04 |\n"
    )
    assert _module().parse_counts(table) == {"bare": 1.255, "sites": 4.707, "full, full JSON": 12.6}
