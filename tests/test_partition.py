"""Byte-range planning of SD files: every range starts at a record and the ranges give back every record."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from reactivity.batch.partition import plan_file_ranges, plan_ranges, separator_ends
from reactivity.batch.records import SplitReport, iter_sd_records, split_sd_bytes

LINES = st.sampled_from([
    "", " ", "mol", "  0  0  0  0  0  0  0  0  0  0999 V2000", "M  END", ">  <NAME>", "$$$$", "$$$$ ", "$$$$\t",
    "$$$$x", " $$$$", "x$$$$", "$$$", "$$$$$", "a\x00b", "xM  END", " M  END",
])
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def sd_files(draw) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        parts.append(draw(LINES) + draw(ENDINGS))
    if draw(st.booleans()):
        parts.append(draw(LINES))  # last line without an ending
    return "".join(parts).encode("latin-1")


def _records(data: bytes) -> list[bytes]:
    return [r.raw for r in iter_sd_records(io.BytesIO(data), block_size=7)]


@settings(max_examples=400, deadline=None)
@given(sd_files(), st.integers(1, 60))
def test_ranges_start_at_records_and_give_every_record_back(data, target):
    ranges = plan_ranges(data, target)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(a < b for a, b in ranges) or data == b""
    assert all(ranges[i][1] == ranges[i + 1][0] for i in range(len(ranges) - 1))
    ends = set(separator_ends(data))
    assert all(start in ends for start, _ in ranges[1:])
    pieces = [r for start, end in ranges for r in _records(data[start:end])]
    assert pieces == _records(data)


def test_separator_definition_matches_the_record_splitter():
    # "$$$$" then blanks then a line end is a separator; "$$$$x", " $$$$" and "$$$$$" are not.
    data = b"a\n$$$$ \t\r\nb\n$$$$x\n c\n $$$$\nd\n$$$$$\ne\r$$$$\rf"
    assert separator_ends(data) == [10, 42]  # ends of '$$$$ \t\r\n' (2-9) and '$$$$\r' (37-41)
    assert _records(data) == [b"a\n", b"b\n$$$$x\n c\n $$$$\nd\n$$$$$\ne\r", b"f"]


def test_file_ranges_with_a_small_window(tmp_path, monkeypatch):
    import reactivity.batch.partition as partition

    monkeypatch.setattr(partition, "_WINDOW", 5)  # smallest window (64 bytes): separators straddle the read windows
    data = b"".join(b"rec%d\r\nM  END\r\n$$$$\r\n" % i for i in range(50))
    path = tmp_path / "lib.sdf"
    path.write_bytes(data)
    ranges = plan_file_ranges(str(path), 100)
    assert len(ranges) > 5
    assert [r for a, b in ranges for r in _records(data[a:b])] == _records(data)
    assert all(data[a:a + 3] == b"rec" for a, _ in ranges)


@settings(max_examples=600, deadline=None)
@given(sd_files(), st.integers(1, 80))
def test_the_in_memory_splitter_gives_what_the_streaming_splitter_gives(data, max_bytes):
    # records (placeholders of records over the size limit included) and what was noticed, record for record
    streamed, report = SplitReport(), SplitReport()
    expected = [r.raw for r in iter_sd_records(io.BytesIO(data), block_size=7, max_bytes=max_bytes, report=streamed)]
    got = split_sd_bytes(data, max_bytes, report)
    assert got == expected
    assert [type(r) for r in got] == [type(r) for r in expected]
    assert report == streamed


def test_the_in_memory_splitter_notices_what_the_streaming_splitter_notices():
    data = b"a\nM  END\nM  END\n$$$$\nb\n$$$$ note\nM  END\n$$$$\n" + b"c" * 50 + b"\n$$$$\n\n"
    report = SplitReport()
    records = split_sd_bytes(data, 40, report)
    assert records[:2] == [b"a\nM  END\nM  END\n", b"b\n$$$$ note\nM  END\n"]
    assert type(records[2]).__name__ == "OversizedRecord"
    assert report == SplitReport(several_molfiles=[0], dollar_text=[1], oversized=[2])
