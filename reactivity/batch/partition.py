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

_WINDOW = 1 << 20
_BLANK = (32, 9)
_EOL = (10, 13)


def separator_ends(data: bytes, start: int = 0, at_eof: bool = True) -> list[int]:
    """Offsets just past every separator line that begins at or after ``start``.

    ``data[start - 1]`` (when ``start > 0``) tells whether ``start`` is a line start.
    With ``at_eof=False`` a separator whose line ending is not complete inside ``data``
    (a ``$$$$`` line at the very end, or a CR that may be half of a CRLF) is not reported.

    >>> separator_ends(b"x$$$$\\n$$$$ \\t\\nq")
    [13]
    >>> separator_ends(b"$$$$\\r", at_eof=False), separator_ends(b"$$$$\\r")
    ([], [5])
    """
    ends: list[int] = []
    size = len(data)
    position = data.find(b"$$$$", start)
    while position >= 0:
        if position == 0 or data[position - 1] in _EOL:
            cursor = position + 4
            while cursor < size and data[cursor] in _BLANK:
                cursor += 1
            if cursor >= size:
                if at_eof:
                    ends.append(size)
                return ends
            byte = data[cursor]
            if byte == 13:
                if cursor + 1 >= size and not at_eof:
                    return ends
                cursor += 2 if cursor + 1 < size and data[cursor + 1] == 10 else 1
                ends.append(cursor)
                position = cursor
            elif byte == 10:
                ends.append(cursor + 1)
                position = cursor + 1
            else:
                position = cursor
        else:
            position += 4
        position = data.find(b"$$$$", position)
    return ends


def _next_cut(read_at: Callable[[int, int], bytes], offset: int, size: int) -> int | None:
    """The first separator end whose separator line starts at or after ``offset`` (None: no more)."""
    lookback = 1 if offset > 0 else 0
    window = max(_WINDOW, 64)  # a separator line with its look-back byte always fits with the 8-byte overlap
    while True:
        begin = offset - lookback
        data = read_at(begin, window + lookback)
        at_eof = begin + len(data) >= size
        ends = separator_ends(data, lookback, at_eof=at_eof)
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
