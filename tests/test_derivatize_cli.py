"""`reactivity derivatize`: one record per input x reagent, in order, error rows for bad records and reagents."""

from __future__ import annotations

import csv
import json

import pandas as pd
from rdkit import Chem
from typer.testing import CliRunner

from reactivity.cli import app
from reactivity.derivatization import reaction_names

runner = CliRunner()


def canon(smiles: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(smiles))


def _library(tmp_path):
    path = tmp_path / "lib.sdf"
    writer = Chem.SDWriter(str(path))
    for name, smiles in [("parent", "O=C1CNCCCN1"), ("amine", "NCCC1CNCC(=O)NC1"), ("diazepam", "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21")]:
        mol = Chem.MolFromSmiles(smiles)
        mol.SetProp("_Name", name)
        mol.SetProp("ID", name.upper())
        writer.write(mol)
    writer.close()
    text = path.read_text()
    # a record RDKit cannot sanitize (pentavalent N), kept in place as the third record
    bad = "bad\n  x\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 N   0  0  0  0  0  5  0  0  0  0  0  0\nM  END\n$$$$\n"
    records = text.split("$$$$\n")
    path.write_text("$$$$\n".join(records[:2]) + "$$$$\n" + bad + "$$$$\n".join(records[2:]))
    return path


def _reagents(tmp_path):
    path = tmp_path / "acids.smi"
    path.write_text("CC(=O)Cl acetyl_chloride\nOC(=O)c1ccccc1 benzoic_acid\nCCO ethanol\nC1CC( broken\n")
    return path


def test_products_as_csv_in_input_order_with_error_rows(tmp_path):
    out = tmp_path / "products.csv"
    result = runner.invoke(app, ["derivatize", str(_library(tmp_path)), "--reaction", "acylation",
                                 "--reagents", str(_reagents(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 4 * 4
    assert [(r["RX_SOURCE_INDEX"], r["RX_REAGENT_INDEX"]) for r in rows] == [(str(m), str(g)) for m in range(4) for g in range(4)]
    first = rows[0]
    assert first["RX_STATUS"] == "ok" and first["RX_OUTCOME"] == "clean"
    assert first["RX_REACTING_ATOMS"] == "4"  # N4 of O=C1CNCCCN1 is the 4th atom of the record
    assert first["RX_PRODUCT_SMILES"] == canon("CC(=O)N1CC(=O)NCCC1")
    assert first["RX_SOURCE_ID"] == "parent" and first["RX_REAGENT_ID"] == "acetyl_chloride"
    assert json.loads(first["RX_JSON"])["reacting_atoms"] == [4]
    assert json.loads(first["RX_JSON"])["product"]["formula"] == "C7H12N2O2"
    ethanol = rows[2]
    assert ethanol["RX_STATUS"] == "error" and "does not fit acylation" in ethanol["RX_ERROR"]
    broken = rows[3]
    assert broken["RX_STATUS"] == "error" and "broken" in broken["RX_ERROR"]
    amine = rows[4]
    assert amine["RX_OUTCOME"] in ("mixture", "selective") and amine["RX_PROTECTION_PLAN"]
    bad = rows[8:12]
    assert all(r["RX_STATUS"] == "error" and "valence" in r["RX_ERROR"] for r in bad)
    diazepam = rows[12]
    assert diazepam["RX_OUTCOME"] == "blocked" and "imine" in diazepam["RX_REASON"]


def test_products_as_sd_and_parquet(tmp_path):
    lib, reagents = _library(tmp_path), _reagents(tmp_path)
    sd = tmp_path / "products.sdf"
    assert runner.invoke(app, ["derivatize", str(lib), "-r", "acylation", "--reagents", str(reagents), "-o", str(sd)]).exit_code == 0
    supplier = Chem.SDMolSupplier(str(sd))
    records = list(supplier)
    assert len(records) == 16
    assert records[0] is not None and records[0].GetProp("RX_OUTCOME") == "clean"
    assert Chem.MolToSmiles(records[0]) == canon("CC(=O)N1CC(=O)NCCC1")
    pq = tmp_path / "products.parquet"
    assert runner.invoke(app, ["derivatize", str(lib), "-r", "acylation", "--reagents", str(reagents), "-o", str(pq)]).exit_code == 0
    frame = pd.read_parquet(pq)
    assert len(frame) == 16 and list(frame["index"]) == list(range(16))


def test_plan_per_molecule_without_reagents_keeps_the_records(tmp_path):
    lib = _library(tmp_path)
    out = tmp_path / "plans.sdf"
    result = runner.invoke(app, ["derivatize", str(lib), "--reaction", "reductive_amination", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.count("$$$$") == 4
    records = text.split("$$$$\n")
    assert "<ID>" in records[0] and "\nPARENT\n" in records[0]  # the original data items are kept
    assert ">  <RX_OUTCOME>\nclean" in records[0]
    assert ">  <RX_STATUS>\nerror" in records[2]
    assert ">  <RX_OUTCOME>\nblocked" in records[3]


def test_usage_errors_exit_2(tmp_path):
    lib = _library(tmp_path)
    result = runner.invoke(app, ["derivatize", str(lib), "--reaction", "esterification"])
    assert result.exit_code == 2 and "unknown reaction class" in result.output
    result = runner.invoke(app, ["derivatize", str(tmp_path / "missing.sdf"), "--reaction", "acylation"])
    assert result.exit_code == 2 and "no such file" in result.output
    result = runner.invoke(app, ["derivatize", str(tmp_path), "--reaction", "acylation"])
    assert result.exit_code == 2 and "a folder, not a molecule file" in result.output


def _annotate_csv(lib, out, reactions: str) -> list[dict[str, str]]:
    """``annotate --reactions`` of the small library into a CSV file (sites only); its rows."""
    result = runner.invoke(app, ["annotate", str(lib), "-o", str(out), "--no-progress", "--no-stability", "--no-basicity",
                                 "--reactions", reactions])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(out.open()))


def test_annotate_reactions_adds_outcome_at_atoms(tmp_path):
    lib = _library(tmp_path)
    rows = _annotate_csv(lib, tmp_path / "annotated.csv", "acylation,lactam_n_alkylation")
    assert rows[0]["RX_RXN_ACYLATION"] == "clean@4"  # N4 of the parent ring, 1-based
    assert rows[0]["RX_RXN_LACTAM_N_ALKYLATION"] == "needs_protection@8"  # N1, after protecting N4
    assert rows[1]["RX_RXN_ACYLATION"].split("@")[0] in ("mixture", "selective")
    assert rows[3]["RX_RXN_ACYLATION"] == "blocked"  # diazepam: imine N4
    assert json.loads(rows[0]["RX_JSON"])["derivatization"]["acylation"]["reacting_atoms"] == [4]
    bad = runner.invoke(app, ["annotate", str(lib), "--reactions", "esterification"])
    assert bad.exit_code == 2 and "unknown reaction class" in bad.output


def test_annotate_and_explain_take_all_reaction_classes(tmp_path):
    lib = _library(tmp_path)
    rows = _annotate_csv(lib, tmp_path / "all.csv", "all")
    assert [h for h in rows[0] if h.startswith("RX_RXN_")] == [f"RX_RXN_{n.upper()}" for n in reaction_names()]
    rows = _annotate_csv(lib, tmp_path / "none.csv", "none")
    assert not [h for h in rows[0] if h.startswith("RX_RXN_")]
    text = runner.invoke(app, ["explain", "O=C1CNCCCN1", "--reactions", "all", "--json"])
    assert text.exit_code == 0, text.output
    assert list(json.loads(text.stdout)["derivatization"]) == list(reaction_names())
    bad = runner.invoke(app, ["explain", "O=C1CNCCCN1", "--reactions", "all,esterification"])
    assert bad.exit_code == 2 and "esterification" in bad.output


def test_explain_reactions_text_and_json():
    result = runner.invoke(app, ["explain", "O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1", "--reactions", "reductive_amination", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)["derivatization"]["reductive_amination"]
    assert plan["outcome"] == "blocked" and "imine" in plan["reason"]
    text = runner.invoke(app, ["explain", "O=C1CNCCCN1", "--reactions", "acylation"])
    assert text.exit_code == 0 and "acylation -> clean" in text.stdout
    bad = runner.invoke(app, ["explain", "O=C1CNCCCN1", "--reactions", "esterification"])
    assert bad.exit_code == 2


def test_reagents_from_an_sd_file_with_an_unreadable_record(tmp_path):
    reagents = tmp_path / "reagents.sdf"
    writer = Chem.SDWriter(str(reagents))
    for name, smiles in [("AcCl", "CC(=O)Cl"), ("BzOH", "OC(=O)c1ccccc1")]:
        mol = Chem.MolFromSmiles(smiles)
        mol.SetProp("_Name", name)
        writer.write(mol)
    writer.close()
    with reagents.open("a") as handle:
        handle.write("junk\n$$$$\n")
    table = tmp_path / "lib.smi"
    table.write_text("O=C1CNCCCN1 parent\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["derivatize", str(table), "-r", "acylation", "--reagents", str(reagents), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["RX_REAGENT_ID"] for r in rows] == ["AcCl", "BzOH", "junk"]
    assert rows[1]["RX_PRODUCT_SMILES"] == canon("O=C1CN(C(=O)c2ccccc2)CCCN1")
    assert rows[2]["RX_STATUS"] == "error" and rows[2]["RX_ERROR"].startswith("reagent junk:")


def test_parallel_run_gives_the_same_output(tmp_path):
    lib, reagents = _library(tmp_path), _reagents(tmp_path)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    args = ["derivatize", str(lib), "-r", "acylation", "--reagents", str(reagents), "--chunk-size", "1"]
    assert runner.invoke(app, [*args, "-o", str(one)]).exit_code == 0
    assert runner.invoke(app, [*args, "-o", str(two), "--jobs", "2"]).exit_code == 0
    assert one.read_bytes() == two.read_bytes()


def test_side_products_have_their_own_column(tmp_path):
    """A 5-substituted tetrazole is benzylated on N2 (drawn) and N1 (side product, drawn by hand)."""
    source = tmp_path / "tetrazole.smi"
    source.write_text("O=C1CN(C)CCCN1Cc1nn[nH]n1 tz\n")
    reagents = tmp_path / "bnbr.smi"
    reagents.write_text("BrCc1ccccc1 benzyl_bromide\n")
    out = tmp_path / "products.csv"
    result = runner.invoke(app, ["derivatize", str(source), "--reaction", "n_alkylation", "--reagents", str(reagents),
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(out.open()))
    assert row["RX_PRODUCT_SMILES"] == canon("O=C1CN(C)CCCN1Cc1nnn(Cc2ccccc2)n1")
    assert row["RX_SIDE_PRODUCTS"].split(";") == [canon("O=C1CN(C)CCCN1Cc1nnnn1Cc1ccccc1")]
