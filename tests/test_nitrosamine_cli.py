"""`reactivity nitrosamine` through Typer's CliRunner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from reactivity.cli import app

runner = CliRunner()


def test_json_for_the_parent_ring() -> None:
    result = runner.invoke(app, ["nitrosamine", "O=C1CNCCCN1", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["screening_only"] is True and "screening only" in payload["note"]
    assert payload["most_potent_category"] == 3
    (product,) = payload["products"]
    assert (product["site"], product["atom"], product["alpha_h_counts"], product["potency_score"]) == ("N4", 3, [2, 2], 3)
    assert product["ai_ng_per_day"] == {"fda": 400.0, "ema": 400.0}
    assert {f["name"] for f in product["features"]} == {
        "N-nitroso group in a 7-membered ring", "Electron-withdrawing group bonded to the alpha-carbon on only one side"}


def test_text_breakdown_names_every_step() -> None:
    result = runner.invoke(app, ["nitrosamine", "CNCCN1CCCNCC1=O"])
    assert result.exit_code == 0
    text = result.stdout
    assert "screening only" in text
    assert "Most potent category: 1 (FDA 26.5 ng/day, EMA 18 ng/day) over 2 product(s)" in text
    assert "N4 (ring N4, atom 8; secondary amine)" in text
    assert "alpha-H (2,2): +1" in text and "potency score 3 -> category 3" in text
    assert "[M+H]+" in text and "Not a precursor: N1 (atom 4), amide" in text


def test_tertiary_amine_is_listed_apart() -> None:
    result = runner.invoke(app, ["nitrosamine", "CN1CCCNC(=O)C1"])
    assert result.exit_code == 0
    assert "no N-nitroso product to categorize" in " ".join(result.stdout.split())  # text wrapped at 80 columns
    assert "Tertiary amines (lower-risk precursors" in result.stdout


def test_bad_smiles_is_one_line_and_exit_2() -> None:
    result = runner.invoke(app, ["nitrosamine", "C1CC("])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("reactivity: bad SMILES")
    assert "Traceback" not in result.output


def test_explain_mentions_a_free_secondary_n4_only() -> None:
    free = runner.invoke(app, ["explain", "O=C1CNCCCN1"])
    assert free.exit_code == 0 and "nitrosamine precursor" in free.stdout
    tertiary = runner.invoke(app, ["explain", "CN1CCCNC(=O)C1"])
    assert tertiary.exit_code == 0 and "nitrosamine precursor" not in tertiary.stdout


def _sd_with_hydrogens_first(smiles: str) -> str:
    from rdkit import Chem

    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    order = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 1] + [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() != 1]
    return Chem.MolToMolBlock(Chem.RenumberAtoms(mol, order)) + "$$$$\n"


def test_annotate_nitrosamine_tags_use_the_record_atom_numbers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "in.sdf"
    source.write_text(_sd_with_hydrogens_first("O=C1CNCCCN1") + _sd_with_hydrogens_first("CCNCC"), encoding="utf-8")
    result = runner.invoke(app, ["annotate", str(source), "--nitrosamine", "--no-progress", "--no-stability", "--no-basicity"])
    assert result.exit_code == 0
    records = result.stdout.split("$$$$")

    def tag(record: str, name: str) -> str:
        lines = record.splitlines()
        return lines[lines.index(f">  <{name}>") + 1]

    n4 = tag(records[0], "RX_N4_ATOM")
    assert int(n4) > 10  # the ten H atoms come first in the atom block
    assert tag(records[0], "RX_NITROSAMINE_PRECURSOR") == f"N4@{n4}"
    assert tag(records[0], "RX_NITROSAMINE_CATEGORY") == "3"
    assert '"screening_only":true' in tag(records[0], "RX_JSON")
    # a secondary amine without the ring is flagged too: diethylamine N is atom 3 of 5 heavy atoms after 11 H
    assert tag(records[1], "RX_NITROSAMINE_PRECURSOR") == "amine@14" and tag(records[1], "RX_NITROSAMINE_CATEGORY") == "1"


def test_annotate_without_the_option_writes_no_nitrosamine_tags(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "in.csv"
    source.write_text("smiles,name\nCN1CCCNC(=O)C1,tert\n", encoding="utf-8")
    plain = runner.invoke(app, ["annotate", str(source), "-o", str(tmp_path / "plain.csv"), "--no-progress"])
    screened = runner.invoke(app, ["annotate", str(source), "-o", str(tmp_path / "screened.csv"), "--no-progress", "--nitrosamine"])
    assert plain.exit_code == 0 and screened.exit_code == 0
    assert "NITROSAMINE" not in (tmp_path / "plain.csv").read_text(encoding="utf-8")
    text = (tmp_path / "screened.csv").read_text(encoding="utf-8")
    assert "RX_NITROSAMINE_PRECURSOR" in text and "tertiary_N4@2" in text


def test_annotate_nitrosamine_masses_do_not_depend_on_the_drawing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # one molecule (a 4,5-dihydro flurazepam analogue with a free secondary amine and a secondary ring N4) drawn in two
    # atom orders: the summed masses differed in their last bits; the JSON must not
    source = tmp_path / "in.smi"
    source.write_text("CNCCCN1C(=O)CNC(c2ccccc2F)c2cc(Cl)ccc21 a\nc1c2c(cc(Cl)c1)C(c1ccccc1F)NCC(=O)N2CCCNC b\n",
                      encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["annotate", str(source), "-o", str(out), "--nitrosamine", "--no-progress",
                                 "--no-stability", "--no-basicity", "--json-detail", "full"])
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line)["RX_JSON"]["nitrosamine"] for line in out.read_text().splitlines())
    masses = [[p["mz_mh"] for p in doc["products"]] for doc in (first, second)]
    # [M+H]+ of the two N-nitroso products, C19H20ClFN4O2 + H: 391.13316 (from RDKit's isotope masses, 5 decimals)
    assert masses[0] == masses[1] == [391.13316, 391.13316]
