"""Cutting a plain SD file into byte ranges that each start at a record.

A worker can then read its own range (locally or from object storage) and run the
per-chunk annotation on it; only bytes and rows cross process boundaries.

A cut is placed right after a separator line, with exactly the definition the record
splitter uses (:func:`reactivity.batch.records.iter_sd_records`): ``$$$$`` at the start
of a line, optionally followed by spaces or tabs, then a line ending (LF, CRLF or a lone
CR) or the end of the file. Splitting the ranges one by one gives exactly the records of
the whole file, in order (property-tested on generated files with mixed line endings).

>>> data = b"a\\n$$$$\\r\\nb\\r$$$$\\rc\\n$$$$\\n"
>>> separator_ends(data)      # ends of "$$$$\\r\\n" (2-7), "$$$$\\r" (10-14), "$$$$\\n" (17-21)
[8, 15, 22]
>>> plan_ranges(data, 4)      # the first cut looks for a separator line starting at byte 4 or later
[(0, 15), (15, 22)]
>>> plan_ranges(data, 100)
[(0, 22)]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .records import SplitReport

_WINDOW = 1 << 16


def separator_ends(data: bytes, start: int = 0, at_eof: bool = True, limit: int | None = None) -> list[int]:
    """Offsets just past every separator line that begins at or after ``start`` (the first ``limit`` of them).

    ``data[start - 1]`` (when ``start > 0``) tells whether ``start`` is a line start.
    With ``at_eof=False`` a separator whose line ending is not complete inside ``data``
    (a ``$$$$`` line at the very end, or a CR that may be half of a CRLF) is not reported.

    >>> separator_ends(b"x$$$$\\n$$$$ \\t\\nq")
    [13]
    >>> separator_ends(b"$$$$\\r", at_eof=False), separator_ends(b"$$$$\\r")
    ([], [5])
    >>> separator_ends(b"a\\n$$$$\\nb\\n$$$$\\n", limit=1)
    [7]
    """
    from .records import dollar_lines

    ends: list[int] = []
    for _, line_end, terminator in dollar_lines(data, start):
        if terminator is None:
            continue  # "$$$$ junk": record text
        if not at_eof and (not terminator or (terminator == b"\r" and line_end == len(data))):
            break  # the line (or its CRLF) may go on past the window
        ends.append(line_end)
        if limit is not None and len(ends) >= limit:
            break
    return ends


def _next_cut(read_at: Callable[[int, int], bytes], offset: int, size: int) -> int | None:
    """The first separator end whose separator line starts at or after ``offset`` (None: no more)."""
    lookback = 1 if offset > 0 else 0
    window = max(_WINDOW, 64)  # a separator line with its look-back byte always fits with the 8-byte overlap
    while True:
        begin = offset - lookback
        data = read_at(begin, window + lookback)
        at_eof = begin + len(data) >= size
        ends = separator_ends(data, lookback, at_eof=at_eof, limit=1)
        if ends:
            return begin + ends[0]
        if at_eof:
            return None
        # Keep the last few bytes: a separator line may straddle the window edge.
        offset = max(offset + 1, begin + len(data) - 8)
        lookback = 1


def plan_ranges_with(read_at: Callable[[int, int], bytes], size: int, target_bytes: int) -> list[tuple[int, int]]:
    """Byte ranges of about ``target_bytes`` covering ``[0, size)``, each starting at a record.

    ``read_at(offset, length)`` returns the file's bytes there (fewer at the end).
    """
    if target_bytes <= 0:
        raise ValueError("target_bytes must be positive")
    cuts = [0]
    while cuts[-1] + target_bytes < size:
        cut = _next_cut(read_at, cuts[-1] + target_bytes, size)
        if cut is None or cut >= size:
            break
        cuts.append(cut)
    if size > 0 or len(cuts) == 1:
        cuts.append(size)
    return [(a, b) for a, b in zip(cuts[:-1], cuts[1:]) if b > a] or [(0, size)]


def plan_ranges(data: bytes, target_bytes: int) -> list[tuple[int, int]]:
    """:func:`plan_ranges_with` over bytes in memory."""
    return plan_ranges_with(lambda offset, length: data[offset : offset + length], len(data), target_bytes)


def plan_file_ranges(path: str, target_bytes: int) -> list[tuple[int, int]]:
    """:func:`plan_ranges_with` over a file: a local path or an fsspec URL (:func:`reactivity.batch.records.open_binary`)."""
    from .records import open_binary

    with open_binary(path) as handle:
        handle.seek(0, 2)
        size = handle.tell()

        def read_at(offset: int, length: int) -> bytes:
            handle.seek(offset)
            return handle.read(length)

        return plan_ranges_with(read_at, size, target_bytes)


# --------------------------------------------------------------------------- byte ranges as units of work

#: Local ``--jobs N`` runs cut plain SD files into ranges of about a 32nd of the file,
#: at least this many bytes ...
MIN_LOCAL_PARTITION_BYTES = 128 << 10
#: ... and at most this many (about 500 records of 2 KB: the workers finish within a
#: fraction of a second of each other, and a worker holds little memory).
MAX_LOCAL_PARTITION_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class ByteRange:
    """A byte range of a plain SD file that a worker reads itself: only these offsets cross the process boundary.

    ``path`` is absolute (a worker may run in another directory); ``source_index`` is the input's position on the
    command line; ``max_record_bytes`` is the record size limit of the run.
    """

    path: str
    start: int
    end: int
    max_record_bytes: int
    source_index: int = 0


def read_range_records(byte_range: ByteRange, report: SplitReport | None = None) -> list[bytes]:
    """The raw records of a byte range (the range starts at a record), split as a whole-file read splits them.

    ``report`` receives what the splitter noticed, with record indices counted from the range start.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(suffix=".sdf", delete=False) as handle:
    ...     _ = handle.write(b"a\\n$$$$\\r\\nb\\r$$$$\\rc\\n$$$$\\n")
    >>> read_range_records(ByteRange(handle.name, 8, 22, 1 << 20))
    [b'b\\r', b'c\\n']
    >>> os.unlink(handle.name)
    """
    from .records import open_binary, split_sd_bytes

    with open_binary(byte_range.path) as handle:
        handle.seek(byte_range.start)
        data = handle.read(byte_range.end - byte_range.start)
    return split_sd_bytes(data, byte_range.max_record_bytes, report)


def add_report(total: SplitReport, part: SplitReport, offset: int) -> None:
    """Add what the splitter noticed in one range (indices from the range start) to the whole file's report.

    >>> from reactivity.batch.records import SplitReport
    >>> total = SplitReport(oversized=[1])
    >>> add_report(total, SplitReport(oversized=[0], dollar_text=[2]), 10)
    >>> total.oversized, total.dollar_text
    ([1, 10], [12])
    """
    total.several_molfiles.extend(offset + i for i in part.several_molfiles)
    total.dollar_text.extend(offset + i for i in part.dollar_text)
    total.oversized.extend(offset + i for i in part.oversized)


def is_plain_sd(name: str) -> bool:
    """A local SD file (by its extension) that is not gzip-compressed: it can be cut into byte ranges.

    Standard input, URLs, compressed files (by name or by their first bytes) and tables are read by one reader.

    >>> is_plain_sd("-"), is_plain_sd("lib.sdf.gz"), is_plain_sd("hits.smi"), is_plain_sd("/nonexistent/lib.sdf")
    (False, False, False, False)
    """
    import os

    lower = name.lower()
    if name == "-" or "://" in name or lower.endswith(".gz") or not lower.endswith((".sdf", ".sd", ".mol")):
        return False
    try:
        if not os.path.isfile(name):
            return False
        with open(name, "rb") as handle:
            return handle.read(2) != b"\x1f\x8b"
    except OSError:
        return False


def local_partition_bytes(size: int) -> int:
    """The byte-range size of a local run: about a 32nd of the file, within 128 KB to 1 MB.

    >>> local_partition_bytes(1000), local_partition_bytes(16 << 20), local_partition_bytes(1 << 40)
    (131072, 524288, 1048576)
    """
    return min(MAX_LOCAL_PARTITION_BYTES, max(MIN_LOCAL_PARTITION_BYTES, size // 32))
