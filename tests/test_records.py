"""Raw record splitting (reactivity.batch.records) on real SD files and SMILES tables.

Expected record counts come from the corpus MANIFEST.tsv (``records`` column:
records split on ``$$$$`` lines, independent of this code), copied here by hand.
"""

from __future__ import annotations

import gzip
import io

import pytest

from reactivity.batch.records import (
    InputError,
    detect_table_layout,
    input_kind,
    iter_sd_records,
    iter_table_rows,
    open_input,
    peek_table,
)

# file name in tests/data -> records (MANIFEST.tsv of the corpus; the slice counts are ours, see LICENSES.md)
MANIFEST_COUNTS = {
    "sd_rdkit_O2.sdf": 2,
    "sd_rdkit_earlyEOF.sdf": 6,
    "sd_rdkit_missingCR.sdf": 1,
    "sd_rdkit_SkipLines.sdf": 2,
    "sd_rdkit_empty.sdf": 0,
    "sd_rdkit_github88.v3k.sdf": 1,
    "sd_rdkit_github8823.sdf": 3,
    "sd_rdkit_good_bad_good_bad.sdf": 4,
    "sd_rdkit_sdErrors3.sdf": 1,
    "sd_rdkit_withHs.sdf": 2,
    "sd_rdkit_m_with_enh_stereo.sdf": 1,
    "sd_mesa_corrupt.sdf": 1,
    "sd_mesa_malformed_atom_count.sdf": 1,
    "sd_mesa_malformed_empty_tag_value.sdf": 4,
    "sd_mesa_truncated_count_line.sdf": 1,
    "sd_mesa_property_blocks.sdf": 8,
    "sd_rdkit_esters_cr_only.sdf": 6,  # esters.sdf has 6 records; only its line endings were changed
    "sd_robustness_slice.sdf": 37,  # 37 rows in sd_robustness_slice.tsv
    "sd_rdkit_NCI_aids_few.sdf.gz": 16,
}


def _records(path, block_size=1 << 20):
    with open_input(str(path)) as stream:
        return list(iter_sd_records(stream, [], block_size))


@pytest.mark.parametrize("name,count", sorted(MANIFEST_COUNTS.items()))
def test_record_count_matches_manifest(data_dir, name, count):
    assert len(_records(data_dir / name)) == count


@pytest.mark.parametrize("name", sorted(n for n in MANIFEST_COUNTS if not n.endswith(".gz")))
def test_records_are_the_file_bytes_in_order(data_dir, name):
    """Every record is a verbatim slice of the file, in order, and only separators lie between them."""
    data = (data_dir / name).read_bytes()
    position = 0
    for record in _records(data_dir / name):
        found = data.find(record.raw, position)
        assert found == position or data[position:found].strip(b" \t\r\n").strip(b"$") == b""
        position = found + len(record.raw)
    assert data[position:].replace(b"$$$$", b"").strip() == b""


@pytest.mark.parametrize("name", sorted(n for n in MANIFEST_COUNTS if not n.endswith(".gz")))
def test_tiny_read_blocks_give_the_same_records(data_dir, name):
    """Block boundaries (inside CRLF pairs, inside ``$$$$``) do not change the split."""
    big = [r.raw for r in _records(data_dir / name)]
    for block_size in (1, 2, 3, 7, 64):
        assert [r.raw for r in _records(data_dir / name, block_size)] == big


def test_line_endings_are_detected_per_record(data_dir):
    assert {r.newline for r in _records(data_dir / "sd_rdkit_esters_cr_only.sdf")} == {b"\r"}
    assert {r.newline for r in _records(data_dir / "sd_rdkit_O2.sdf")} == {b"\r\n"}
    assert {r.newline for r in _records(data_dir / "sd_rdkit_withHs.sdf")} == {b"\n"}


def test_last_record_without_separator_is_kept(data_dir):
    # missingCR.sdf ends with "> <test>\nOK" and no $$$$ (see the file)
    (record,) = _records(data_dir / "sd_rdkit_missingCR.sdf")
    assert record.raw.endswith(b"> <test>\nOK")


def test_empty_record_between_separators_is_a_record(data_dir):
    # O2.sdf: an oxygen molecule, then a record holding one blank CRLF line
    records = _records(data_dir / "sd_rdkit_O2.sdf")
    assert records[1].raw == b"\r\n"


def test_gzip_is_detected_by_content(data_dir, tmp_path):
    plain = tmp_path / "x.sdf"
    plain.write_bytes(gzip.decompress((data_dir / "sd_rdkit_NCI_aids_few.sdf.gz").read_bytes()))
    assert [r.raw for r in _records(plain)] == [r.raw for r in _records(data_dir / "sd_rdkit_NCI_aids_few.sdf.gz")]


def test_truncated_gzip_keeps_what_was_read_and_warns(data_dir):
    full = [r.raw for r in _records(data_dir / "sd_rdkit_NCI_aids_few.sdf.gz")]
    warnings: list[str] = []
    with open_input(str(data_dir / "sd_rdkit_NCI_aids_few_truncated.sdf.gz")) as stream:
        cut = [r.raw for r in iter_sd_records(stream, warnings)]
    assert warnings and "ends early" in warnings[0]
    assert 0 < len(cut) < len(full)
    assert cut[:-1] == full[: len(cut) - 1]
    assert full[len(cut) - 1].startswith(cut[-1])


@pytest.mark.parametrize("records_before_cut", [0, 1])
def test_a_gzip_stream_cut_in_its_first_kilobytes_keeps_what_came_before_and_warns(data_dir, tmp_path,
                                                                                  records_before_cut):
    # the first look at a file (its first 4 KB of text) used to drop the bytes read before a break and the break
    # itself: a gzip cut that early gave no record and no warning. Stored (level 0) gzip blocks put the cut at a known
    # place in the text.
    full = [r.raw for r in _records(data_dir / "sd_rdkit_NCI_aids_few.sdf.gz")]
    text = gzip.decompress((data_dir / "sd_rdkit_NCI_aids_few.sdf.gz").read_bytes())
    second_end = text.index(b"$$$$", text.index(b"$$$$") + 4) + 5
    first_end = text.index(b"$$$$") + 5
    assert first_end + 200 < 4096 < second_end
    data = gzip.compress(text[:second_end], compresslevel=0)
    # 9 bytes: the gzip header itself cut; else the gzip header, the stored-block header and 200 bytes of record 2
    keep = 9 if records_before_cut == 0 else 10 + 5 + first_end + 200
    cut = tmp_path / "cut.sdf.gz"
    cut.write_bytes(data[:keep])
    warnings: list[str] = []
    with open_input(str(cut)) as stream:
        records = [r.raw for r in iter_sd_records(stream, warnings)]
    assert len(warnings) == 1 and "ends early" in warnings[0]
    assert records[:records_before_cut] == full[:records_before_cut]
    assert all(full[k].startswith(raw) for k, raw in enumerate(records))  # a cut last record is a prefix, no more


def test_non_utf8_bytes_pass_through():
    data = b"t\n\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n> <N>\ncaf\xe9 \xff\xfe\n\n$$$$\n"
    (record,) = list(iter_sd_records(io.BytesIO(data)))
    assert b"caf\xe9 \xff\xfe" in record.raw


def test_separator_needs_its_own_line():
    data = b"a\nx$$$$\n$$$$ \nb\n$$$$x\n"
    assert [r.raw for r in iter_sd_records(io.BytesIO(data))] == [b"a\nx$$$$\n", b"b\n$$$$x\n"]


def _reference_split(data: bytes) -> tuple[list[tuple[bytes, bytes]], list[int], list[int]]:
    """The SD splitting rules read line by line, as written in ``iter_sd_records``'s documentation: records and
    their line endings, the records with several ``M  END`` lines, the records with a ``$$$$ text`` line."""
    import re

    lines = re.findall(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", data)
    records: list[tuple[bytes, bytes]] = []
    several: list[int] = []
    dollar: list[int] = []
    current: list[bytes] = []

    def close(ending: bytes) -> None:
        raw = b"".join(current)
        first_break = re.search(rb"\r\n|\r|\n", raw)
        newline = (first_break.group() if first_break else b"\n") if raw.strip() else (ending or b"\n")
        if sum(line.startswith(b"M  END") for line in current) > 1:
            several.append(len(records))
        if any(line.startswith(b"$$$$") for line in current):
            dollar.append(len(records))
        records.append((raw, newline))

    for line in lines:
        body = line.rstrip(b"\r\n")
        if re.fullmatch(rb"\$\$\$\$[ \t]*", body):
            close(line[len(body):])
            current = []
        else:
            current.append(line)
    if b"".join(current).strip():
        close(b"")
    return records, several, dollar


def test_splitting_follows_the_line_rules_on_random_text():
    """Random text built of separators, near-separators, ``M  END`` and line endings of all three kinds, read in
    blocks of many sizes, splits as the line-by-line reading of the rules does."""
    import random

    from reactivity.batch.records import SplitReport

    pieces = [b"$$$$", b"$$$$ junk", b"$$$$ \t", b"$$$$$", b"$", b"M  END", b"M", b"x", b"ab", b" ", b"\t",
              b"\n", b"\r", b"\r\n", b"\n$$$$\n", b"\r$$$$\r", b"M  END\n"]
    rng = random.Random(20261130)
    for _ in range(3000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        expected_records, expected_several, expected_dollar = _reference_split(data)
        for block_size in (1, 3, 8, 1 << 20):
            report = SplitReport()
            found = [(r.raw, r.newline) for r in iter_sd_records(io.BytesIO(data), block_size=block_size,
                                                                  report=report)]
            assert found == expected_records, (data, block_size)
            assert report.several_molfiles == expected_several, (data, block_size)
            assert report.dollar_text == expected_dollar, (data, block_size)


def test_input_kind():
    assert input_kind("a.SDF.gz") == "sd" and input_kind("b.tsv") == "table"
    with pytest.raises(InputError):
        input_kind("c.txt")


# --------------------------------------------------------------------------- tables


def test_table_rows_keep_quoted_newlines_and_raw_bytes():
    data = b'id,smiles\r\n"a\nb",CCO\r\nc,\xff\r\n'
    assert list(iter_table_rows(io.BytesIO(data), block_size=3)) == [b"id,smiles\r\n", b'"a\nb",CCO\r\n', b"c,\xff\r\n"]


def test_csv_header_smiles_column_by_name():
    layout = detect_table_layout("x.csv", [b"Name,MW,SMILES\n", b"ethanol,46,CCO\n"])
    assert (layout.smiles_index, layout.name_index, layout.delimiter) == (2, 0, ",")


def test_csv_smiles_column_by_content_when_header_is_unhelpful():
    rows = [b"compound,structure_string\n", b"a,c1ccccc1\n", b"b,CCN\n", b"c,O=C1CNCCCN1\n"]
    assert detect_table_layout("x.csv", rows).smiles_index == 1


def test_smi_without_header_and_with_header():
    plain = detect_table_layout("x.smi", [b"CCO ethanol\n", b"CCN ethylamine\n"])
    assert (plain.columns, plain.header) == (("smiles", "name"), b"")
    headed = detect_table_layout("x.smi", [b"SMILES Name\n", b"CCO ethanol\n"])
    assert headed.header == b"SMILES Name\n" and headed.smiles_index == 0


def test_smiles_column_option_by_name_number_and_missing():
    rows = [b"a\tb\n", b"CCO\tCCN\n"]
    assert detect_table_layout("x.tsv", rows, "b").smiles_index == 1
    assert detect_table_layout("x.tsv", rows, "1").smiles_index == 0
    with pytest.raises(InputError, match="no column named"):
        detect_table_layout("x.tsv", rows, "smiles")


def test_table_without_smiles_column_is_an_input_error():
    with pytest.raises(InputError, match="no SMILES column"):
        detect_table_layout("x.csv", [b"a,b\n", b"1,2 3\n", b"4,5 6\n"])


def test_peek_table_skips_header_and_blank_rows():
    stream = io.BytesIO(b"smiles,name\nCCO,e\n\nCCN,a\n")
    layout, rows = peek_table(stream, "x.csv", None, [])
    assert list(rows) == [b"CCO,e\n", b"CCN,a\n"] and layout.split(b"CCN,a\n") == ["CCN", "a"]
