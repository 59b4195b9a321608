"""Curation and training of the pKa model (reactivity.pka_training), on the committed slice in tests/data/pka_slice."""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd
import pytest
from rdkit import Chem

from reactivity import pka_training
from reactivity.basicity import find_basic_sites, load_pka_model, site_features
from reactivity.basicity.model import read_pka_model

SLICE = pathlib.Path(__file__).parent / "data" / "pka_slice"


@pytest.fixture(scope="module")
def curated_slice() -> pd.DataFrame:
    return pka_training.curate_pka_sources(SLICE)


def _row(table: pd.DataFrame, smiles: str) -> pd.Series:
    rows = table[table["smiles"] == smiles]
    assert len(rows) == 1, smiles
    return rows.iloc[0]


def test_slice_curation_known_values(curated_slice: pd.DataFrame) -> None:
    # piperidine: DataWarrior 11.24 (25 C) and fluoriclogppka 11.12 twice -> median 11.12, site N = atom 3 of C1CCNCC1
    piperidine = _row(curated_slice, "C1CCNCC1")
    assert (piperidine["site_atom"], piperidine["pka"], piperidine["n_values"]) == (3, 11.12, 3)
    assert piperidine["records"] == "DataWarrior:7310;fluoriclogppka:116;fluoriclogppka:73"
    # glycinamide is tagged "acidic" in DataWarrior (8.05) and must still be kept, on the amine N (atom 0)
    glycinamide = _row(curated_slice, "NCC(N)=O")
    assert (glycinamide["site_atom"], glycinamide["pka"]) == (0, 8.05)
    # piperazine 9.93 / 5.81: only the first protonation of the neutral base is kept
    assert _row(curated_slice, "C1CNCCN1")["pka"] == 9.93
    # imidazole 7.07 (basic) and 14.47 (N-H acid, tagged acidic, > 12): the N-H value is dropped
    assert _row(curated_slice, "c1c[nH]cn1")["pka"] == 7.07
    # 1-acetylpiperazine: one basic site, the NH (atom 6)
    acetyl = _row(curated_slice, "CC(=O)N1CCNCC1")
    assert (acetyl["site_atom"], acetyl["pka"], acetyl["site_class"]) == (6, 7.94, "aliphatic_amine")
    # nicotine 8.06 / 3.01: the first value goes to the pyrrolidine N (atom 1), the pyridine step is dropped
    nicotine = _row(curated_slice, "CN1CCCC1c1cccnc1")
    assert (nicotine["site_atom"], nicotine["pka"]) == (1, 8.06)
    # glycine (a zwitterion) and the fluoriclogppka carboxylic acid are not in the table
    assert "NCC(=O)O" not in set(curated_slice["smiles"])
    assert not any("C(=O)O" in s and "N" not in s for s in curated_slice["smiles"])
    for column in ("source", "records", "reference", "licence", "confidence"):
        assert (curated_slice[column] != "").all(), column



def _raw(smiles: str, pka: float, tag: str, record_id: str) -> pka_training.RawRecord:
    return pka_training.RawRecord("DataWarrior", record_id, Chem.MolFromSmiles(smiles), pka, 25.0, tag, "ref", "MIT")


def test_curation_drops_later_steps_cation_drawings_and_acid_values() -> None:
    # values of the kinds found in the DataWarrior set (record ids there: 2881, 2907, 3836, 156, 3562, the tags as
    # the source writes them); what each value is, is chemistry: DMAP's ring N takes the first proton (9.7), its b2
    # value is the dication; a pyridinium drawn as the cation takes a second proton at its amino N (-0.53); an
    # acylpyrazole's 11.85 and an aminophenylboronic acid's 10.0 are N-H and B-OH acidities, not pKaH values;
    # glycinamide's "acidic" 8.05 is its amine's pKaH and stays
    records = [
        _raw("CN(C)c1ccncc1", 9.7, "basic:b1/apparent:mean from 7", "2881"),
        _raw("CN(C)c1cc[nH+]cc1", -7.78, "basic:b2/apparent:spectrophotometric", "2907"),
        _raw("c1cc(N2CCCC2)cc[nH+]1", -0.53, "basic:a1/apparent:spectrophotometric", "3836"),
        _raw("CC(=O)c1cc[nH]n1", 11.85, "acidic:a/apparent:spectrophotometric", "156"),
        _raw("Nc1ccc([N+](=O)[O-])c(B(O)O)c1", 10.0, "acidic:a/apparent:potentiometric", "3562"),
        _raw("NCC(N)=O", 8.05, "acidic:a1/apparent:mean from 2", "g"),
    ]
    table, dropped = pka_training.curate_records(records)
    assert dict(zip(table["smiles"], table["pka"])) == {"CN(C)c1ccncc1": 9.7, "NCC(N)=O": 8.05}
    assert dropped["value: typed by the source as a second or later basic step"] == 1
    assert dropped["value: drawn as an N-protonated cation (the step of a further site)"] == 1
    assert dropped["value: tagged acidic in a molecule with an X-H acid (azole N-H, B-OH, ...)"] == 2


def test_curation_drops_acid_steps_of_triazoles_purines_and_xanthines() -> None:
    # DataWarrior records 7277/7278, 59, 3288, 5579/5580 with their tags. 4-amino-1,2,4-triazole: basic 2.53 is its
    # pKaH, the "acidic" 11.75 an acid step (a triazole ring N is a base of pKaH 2-3, never 11); the 3,5-dimethyl
    # analogue has only an "acidic" 9.85, an N-amino azole's acid value; theophylline's 8.64, typed basic, is its N7-H
    # acid (a xanthine ring N is protonated below pH 1); the adenine N-oxide's "acidic" 11.0 is its acid step beside
    # the basic 2.4, which stays
    records = [
        _raw("Nn1cnnc1", 2.53, "basic:a1/apparent:potentiometric", "7277"),
        _raw("Nn1cnnc1", 11.75, "acidic:a1:", "7278"),
        _raw("Cc1nnc(C)n1N", 9.85, "acidic:apparent:", "59"),
        _raw("Cn1c(=O)c2[nH]cnc2n(C)c1=O", 8.64, "basic:a/apparent:mean from 5", "3288"),
        _raw("Nc1c2c(ncn2Cc2ccccc2)nc[n+]1[O-]", 11.0, "acidic:a1/apparent:spectrophotometric", "5579"),
        _raw("Nc1c2c(ncn2Cc2ccccc2)nc[n+]1[O-]", 2.4, "basic:b1/apparent:spectrophotometric", "5580"),
    ]
    # ten one-site amines (pKaH of the usual tables) so that the check model of the multi-site step can be fitted
    amines = ["CN", "CNC", "CN(C)C", "CCN", "CCNCC", "CCN(CC)CC", "CCCN", "CCCCN", "C1CCNC1", "C1CCNCC1"]
    values = [10.62, 10.64, 9.76, 10.63, 10.98, 10.75, 10.57, 10.6, 11.27, 11.12]
    records += [_raw(smiles, value, "basic:a1:", f"amine{k}") for k, (smiles, value) in enumerate(zip(amines, values))]
    table, dropped = pka_training.curate_records(records)
    values = dict(zip(table["smiles"], table["pka"]))
    assert values.get("Nn1cnnc1") == 2.53
    values = {smiles: value for smiles, value in values.items() if smiles not in amines}
    assert not any(value > 5 for value in values.values())
    assert "Cc1nnc(C)n1N" not in values and "Cn1c(=O)c2[nH]cnc2n(C)c1=O" not in values
    # both triazole acid values go as N-amino azole N-H acids (the first rule to see them), the N-oxide's as the acid
    # step beside its basic value
    assert dropped["value: tagged acidic in a molecule with an X-H acid (azole N-H, B-OH, ...)"] == 2
    assert dropped["value: tagged acidic, far from the same molecule's values tagged basic (its acid step)"] == 1
    assert dropped["molecule: ionizable acidic group (zwitterion or acid)"] == 1

def test_slice_curation_reproduces_the_packaged_table(curated_slice: pd.DataFrame) -> None:
    packaged = pka_training.packaged_training_table()
    merged = curated_slice.merge(packaged, on="smiles", suffixes=("", "_packaged"))
    same_records = merged[merged["records"] == merged["records_packaged"]]
    assert len(same_records) >= 15
    assert (same_records["site_atom"] == same_records["site_atom_packaged"]).all()
    assert np.allclose(same_records["pka"], same_records["pka_packaged"])


def test_packaged_table_sites_are_basic_sites_with_provenance() -> None:
    table = pka_training.packaged_training_table()
    assert len(table) > 1500
    assert table["smiles"].is_unique
    for smiles, atom, site_class in zip(table["smiles"][::25], table["site_atom"][::25], table["site_class"][::25]):
        assert (int(atom), site_class) in find_basic_sites(Chem.MolFromSmiles(smiles)), smiles
    assert set(table["source"].str.split(";").explode()) <= {"DataWarrior", "fluoriclogppka"}
    assert table["licence"].str.contains("MIT").all()
    assert set(table["confidence"]) <= {"high", "medium", "low"}


def test_training_on_the_slice_writes_table_and_model(tmp_path: pathlib.Path, curated_slice: pd.DataFrame) -> None:
    path = pka_training.train_pka_model(tmp_path, source_dir=SLICE)
    assert path == tmp_path / "pka_model.npz"
    written = pd.read_csv(tmp_path / "pka_training.csv", keep_default_na=False)
    assert list(written["smiles"]) == list(curated_slice["smiles"])
    artefact = read_pka_model(path.read_bytes())  # a file this test just wrote, not a packaged artefact
    # extremely randomized trees without bootstrap reproduce distinct training sites exactly
    for smiles, measured in (("C1CCNCC1", 11.12), ("NCC(N)=O", 8.05)):
        mol = Chem.MolFromSmiles(smiles)
        predicted = artefact["model"].predict(site_features(mol, find_basic_sites(mol)))[0]
        assert predicted == pytest.approx(measured, abs=0.01)


def test_full_retrain_matches_the_shipped_artefact() -> None:
    rebuilt = pka_training.build_model(pka_training.packaged_training_table())
    shipped = load_pka_model()
    panel = ["O=C1CNCCCN1", "CN1CCCNC(=O)C1", "O=C1CNCc2ccccc2N1", "C1CCNCC1", "c1ccncc1", "Nc1ccccc1", "CC(=N)N"]
    for smiles in panel:
        mol = Chem.MolFromSmiles(smiles)
        features = site_features(mol, find_basic_sites(mol))
        assert np.allclose(rebuilt["model"].predict(features), shipped["model"].predict(features)), smiles
    assert rebuilt["band_halfwidths"] == shipped["band_halfwidths"]
    assert rebuilt["validation"] == shipped["validation"]


def test_shipped_validation_regression_guard() -> None:
    validation = load_pka_model()["validation"]
    assert "Butina" in validation["split"]
    # the target: MAE <= 0.6 on held-out aliphatic amines under the cluster split (the shipped figure is in
    # models/MODEL.md; feature version 3 brought it from 0.61 to 0.56, version 4 gives 0.554, 0.503 after the
    # re-curation of the training table).
    assert validation["aliphatic_amine"]["mae"] <= 0.6
    assert validation["alpha_amino_amide"]["mae"] <= 0.6


def test_holdout_of_the_n4_analogues() -> None:
    # literature values (reference lit:pka_glycinamide); held out with every molecule of Morgan Tanimoto >= 0.4 to
    # any of them
    targets = {"NCC(N)=O": 7.95, "CNCC(N)=O": 8.31, "CC(=O)N1CCNCC1": 7.94}
    result = pka_training.holdout_prediction(pka_training.packaged_training_table(), targets, similarity=0.4)
    assert (result["removed_from_training"] >= 1).all()
    errors = (result["predicted"] - result["literature"]).abs()
    assert (errors <= 0.5).all(), result.to_dict("records")


def test_cluster_folds_keep_clusters_together() -> None:
    labels = np.array([0, 0, 1, 2, 2, 2, 3])
    folds = pka_training.cluster_folds(labels, folds=2)
    for cluster in set(labels):
        assert len(set(folds[labels == cluster])) == 1
    # largest cluster (2, three members) first into fold 0, then cluster 0 (two) into fold 1, ...
    assert folds[labels == 2][0] == 0 and folds[labels == 0][0] == 1


def test_exported_tree_ensemble_predicts_exactly_like_the_sklearn_forest() -> None:
    from sklearn.ensemble import ExtraTreesRegressor

    from reactivity.forest import TreeEnsemble

    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 12))
    y = x[:, 0] * 2.0 - x[:, 3] + rng.normal(scale=0.1, size=300)
    forest = ExtraTreesRegressor(n_estimators=25, random_state=0).fit(x, y)
    exported = TreeEnsemble.from_sklearn(forest)
    queries = rng.normal(size=(50, 12))
    assert np.array_equal(exported.predict(queries), forest.predict(queries))
    assert exported.n_trees == 25


def test_prediction_does_not_import_scikit_learn() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from reactivity.basicity import predict_basicity; from reactivity import mol_from_smiles; "
        "r = predict_basicity(mol_from_smiles('O=C1CNCCCN1')); "
        "print(7 < r.n4_pka < 9, 'sklearn' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False", "False"]


def test_no_sulfonyl_amidine_n_h_acid_sits_in_the_table_as_a_base() -> None:
    # the N-H of a 1,2,4-thiadiazine 1,1-dioxide is an acid (diazoxide 8.6); its pyrido-fused analogues' values
    # (6.7-7.6, tagged acidic by the source) once stood in the table as pyridine N pKaH values
    pattern = Chem.MolFromSmarts("[NX3;!H0]-[#6]=[#7]-[SX4](=[OX1])=[OX1]")
    table = pka_training.packaged_training_table()
    found = [s for s in table["smiles"] if Chem.MolFromSmiles(s).HasSubstructMatch(pattern)]
    assert not found
    assert pka_training.has_weak_acid(Chem.MolFromSmiles("O=S1(=O)N=CNc2cccnc21"))
