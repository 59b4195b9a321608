"""Handling-preset risk tags: chemical and material-loss risks apart, every older tag name kept, no value twice.

For each ``--conditions`` preset the annotation writes ``RX_RISK_<PRESET>_CHEMICAL`` (the compound itself degrades),
``RX_RISK_<PRESET>_MATERIAL_LOSS`` (it survives but is lost to the water layer or to silica) and, as before,
``RX_RISK_<PRESET>``, the worse of the two. ``RX_SILICA_MEOH_RISK`` (deprecated) is written only when
``silica_methanol`` is not a requested preset.

Hand-worked expectations (thresholds of the model: material loss ``high`` when at least 90 % of N4 is protonated
in the water layer, ``moderate`` from 10 %; chemical ``low`` below 1 % of the ring irreversibly lost and below 10 %
reversibly opened):

* diazepam, ``aqueous_acid_workup`` (1 M HCl, a(H+) about 1, pH about 0, 25 C, 30 min). The imine N4 of
  1,4-benzodiazepin-2-ones has a pKaH of about 2.8-4.3 (bromazepam 2.83: Pfendt LB et al., J. Serb. Chem. Soc. 2002,
  67(3), 187-195; menitrazepam 3.50, nortetrazepam 4.30: Volke J, Ellaithy MM, Manousek O, Talanta 1978, 25(4),
  209-213, DOI 10.1016/0039-9140(78)80006-x). At pH 0 even pKaH 1 gives 1/(1 + 10**-1) = 91 % protonated, but the
  small neutral fraction of a lipophilic compound still partitions: with pKaH 3.4 and logP about 3 (Crippen 3.15)
  the logD in 1 M HCl is about 0, half of diazepam in an equal volume of water: material loss ``moderate``; the
  polar parent ring (logP about -1) stays in the acid: ``high``. In aqueous acid the diazepam ring opens first at
  the 4,5-azomethine (reversible, recloses on neutralisation) and only then, very slowly, at the 1,2-amide (biphasic
  kinetics; Aust. J. Chem. 1984, 37(9), 1895-1902, DOI 10.1071/CH9841895): a 30 min wash at 25 C does not destroy
  the lactam, chemical ``low``. The merged tag ``RX_RISK_AQUEOUS_ACID_WORKUP`` is ``moderate`` because of the water
  layer, not because of decomposition: the split tags say so.
* the parent ring ``O=C1CNCCCN1``, ``silica_methanol``: N4 is a free secondary amine alpha to the C3 methylene of a
  glycinamide unit (glycinamide pKaH about 8), basic enough to bind acidic silanols (streaking, material lost on the
  column): material loss ``moderate`` (``high`` is kept for a second basic amine in the molecule, there is none).
  A saturated lactam is untouched by methanol on silica at room temperature: chemical ``low``.
* diazepam, ``silica_methanol``: nothing to fear. The imine N4 (pKaH about 3) is far too weak a base to bind
  silanols like an amine (material loss ``low``); its 4,5-imine opens only in aqueous acid, reversibly: at the silanol
  pH 4.5 with pKaH 3.4 about 1/(1 + 10**1.1) = 7 % of it is protonated, the opened fraction of that is small and
  recloses on elution, and the lactam at pH 4.5 for 1 h loses far under 1 %: chemical ``low``. (A 3-hydroxy ring,
  oxazepam, exchanges its 3-OH for methoxy in acidic methanol and stays ``moderate``: tested in
  ``test_stability_pathways.py``.)
"""

from __future__ import annotations

import csv
import json
import random

import pandas as pd
import pytest
from rdkit import Chem
from typer.testing import CliRunner

import reactivity
from reactivity.batch.annotate import AnnotateSettings, annotate_chunk
from reactivity.batch.frame import _RISK, column_type
from reactivity.batch.tags import preset_tag, tag_names
from reactivity.cli import app
from reactivity.report.html import _preset_risks

DIAZEPAM = "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"
PARENT = "O=C1CNCCCN1"
RISKS = ("low", "moderate", "high")


def _annotate(smiles: str, conditions: tuple[str, ...], seed: int | None = None) -> dict[str, str]:
    mol = Chem.MolFromSmiles(smiles)
    if seed is not None:
        order = list(range(mol.GetNumAtoms()))
        random.Random(seed).shuffle(order)
        mol = Chem.RenumberAtoms(mol, order)
    settings = AnnotateSettings(stability=True, basicity=True, conditions=conditions)
    (record,) = annotate_chunk([Chem.MolToMolBlock(mol).encode()], settings)
    assert record.status == "ok"
    return record.tags


def test_preset_tag_names():
    assert preset_tag("aqueous_acid_workup") == "RISK_AQUEOUS_ACID_WORKUP"
    assert preset_tag("aqueous_acid_workup", "chemical") == "RISK_AQUEOUS_ACID_WORKUP_CHEMICAL"
    assert preset_tag("silica_methanol", "material_loss") == "RISK_SILICA_METHANOL_MATERIAL_LOSS"
    with pytest.raises(ValueError):
        preset_tag("silica_methanol", "material")


def test_diazepam_acid_wash_is_material_loss_not_decomposition():
    # diazepam in 1 M HCl: its imine N4 (pKaH about 3.4) is protonated, but its neutral form (logP about 3) still
    # partitions: estimated logD about 0, half of it in an equal volume of water -> moderate; the ring survives
    tags = _annotate(DIAZEPAM, ("aqueous_acid_workup",))
    assert tags["RX_RISK_AQUEOUS_ACID_WORKUP_CHEMICAL"] == "low"
    assert tags["RX_RISK_AQUEOUS_ACID_WORKUP_MATERIAL_LOSS"] == "moderate"
    assert tags["RX_RISK_AQUEOUS_ACID_WORKUP"] == "moderate"  # the older tag keeps its meaning: the worse of the two
    condition = json.loads(tags["RX_JSON"])["conditions"]["aqueous_acid_workup"]
    assert (condition["chemical_risk"], condition["material_loss_risk"]) == ("low", "moderate")
    # the parent ring (logP about -1, N4 pKaH about 8) stays in the acid layer
    parent = _annotate(PARENT, ("aqueous_acid_workup",))
    assert parent["RX_RISK_AQUEOUS_ACID_WORKUP_MATERIAL_LOSS"] == "high"
    # silica_methanol not requested: the deprecated tag is still written, once
    assert tags["RX_SILICA_MEOH_RISK"] in RISKS
    assert "RX_RISK_SILICA_METHANOL" not in tags


def test_parent_ring_on_silica_loses_material_from_the_free_basic_n4():
    tags = _annotate(PARENT, ("silica_methanol",))
    assert tags["RX_RISK_SILICA_METHANOL_MATERIAL_LOSS"] == "moderate"
    assert tags["RX_RISK_SILICA_METHANOL_CHEMICAL"] == "low"
    assert tags["RX_RISK_SILICA_METHANOL"] == "moderate"
    reasons = " ".join(json.loads(tags["RX_JSON"])["conditions"]["silica_methanol"]["reasons"])
    assert "N4" in reasons and "silanol" in reasons


def test_diazepam_survives_a_silica_column_with_methanol():
    tags = _annotate(DIAZEPAM, ("silica_methanol",))
    assert tags["RX_RISK_SILICA_METHANOL_CHEMICAL"] == "low"
    assert tags["RX_RISK_SILICA_METHANOL_MATERIAL_LOSS"] == "low"
    assert tags["RX_RISK_SILICA_METHANOL"] == "low"
    assert "shorten the exposure" not in tags["RX_JSON"]


@pytest.mark.parametrize("smiles", [DIAZEPAM, PARENT])
def test_no_value_is_written_under_two_names(smiles):
    both = _annotate(smiles, ("silica_methanol", "aqueous_acid_workup"))
    assert "RX_SILICA_MEOH_RISK" not in both
    assert "RX_RISK_SILICA_METHANOL" in both
    alone = _annotate(smiles, ())
    assert "RX_RISK_SILICA_METHANOL" not in alone
    # the deprecated tag, written alone, carries the same value the preset tag carries when requested
    assert alone["RX_SILICA_MEOH_RISK"] == both["RX_RISK_SILICA_METHANOL"]
    columns = tag_names("RX_", ("silica_methanol",), stability=True, basicity=True)
    assert "RX_SILICA_MEOH_RISK" not in columns and len(columns) == len(set(columns))


def test_worse_of_the_two_and_column_order():
    conditions = ("aqueous_acid_workup", "silica_methanol", "physiological")
    order = {"low": 0, "moderate": 1, "high": 2}
    for smiles in (DIAZEPAM, PARENT):
        tags = _annotate(smiles, conditions)
        for preset in conditions:
            chemical = tags["RX_" + preset_tag(preset, "chemical")]
            material = tags["RX_" + preset_tag(preset, "material_loss")]
            assert tags["RX_" + preset_tag(preset)] == max(chemical, material, key=order.__getitem__)
        # the record's tags come in the table's column order
        columns = tag_names("RX_", conditions, stability=True, basicity=True)
        assert list(tags) == [name for name in columns if name in tags]
        # the report reads the same per-preset risk back from RX_JSON
        assert _preset_risks(json.loads(tags["RX_JSON"])) == {p: tags["RX_" + preset_tag(p)] for p in conditions}


def test_risk_tags_do_not_depend_on_atom_order():
    conditions = ("aqueous_acid_workup", "silica_methanol")
    expected = {k: v for k, v in _annotate(DIAZEPAM, conditions).items() if "RISK" in k}
    for seed in (1, 2, 3):
        renumbered = {k: v for k, v in _annotate(DIAZEPAM, conditions, seed).items() if "RISK" in k}
        assert renumbered == expected


def test_frame_columns_are_risk_categoricals():
    frame = pd.DataFrame({"smi": [DIAZEPAM, PARENT, "CCO"]})
    out = reactivity.annotate_frame(frame, smiles_col="smi", conditions=("aqueous_acid_workup",))
    for tag in ("RISK_AQUEOUS_ACID_WORKUP_CHEMICAL", "RISK_AQUEOUS_ACID_WORKUP_MATERIAL_LOSS"):
        assert column_type(tag) == _RISK
        assert isinstance(out["RX_" + tag].dtype, pd.CategoricalDtype)
    assert list(out["RX_RISK_AQUEOUS_ACID_WORKUP_CHEMICAL"].astype(object)[:2]) == ["low", "low"]
    # diazepam partly (its neutral form partitions, logD about 0), the polar parent wholly, into the acid layer
    assert list(out["RX_RISK_AQUEOUS_ACID_WORKUP_MATERIAL_LOSS"].astype(object)[:2]) == ["moderate", "high"]
    assert pd.isna(out.loc[2, "RX_RISK_AQUEOUS_ACID_WORKUP_MATERIAL_LOSS"])  # no ring: no risk


def test_csv_header_and_values_from_the_command(tmp_path):
    source = tmp_path / "in.smi"
    source.write_text(f"{DIAZEPAM} diazepam\n{PARENT} parent\n")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["annotate", str(source), "-o", str(out), "--no-progress",
                                      "--conditions", "aqueous_acid_workup,silica_methanol"])
    assert result.exit_code == 0, result.stderr
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    assert "RX_SILICA_MEOH_RISK" not in header
    start = header.index("RX_RISK_AQUEOUS_ACID_WORKUP")
    assert header[start:start + 6] == [
        "RX_RISK_AQUEOUS_ACID_WORKUP", "RX_RISK_AQUEOUS_ACID_WORKUP_CHEMICAL", "RX_RISK_AQUEOUS_ACID_WORKUP_MATERIAL_LOSS",
        "RX_RISK_SILICA_METHANOL", "RX_RISK_SILICA_METHANOL_CHEMICAL", "RX_RISK_SILICA_METHANOL_MATERIAL_LOSS",
    ]
    diazepam, parent = rows
    assert (diazepam["RX_RISK_AQUEOUS_ACID_WORKUP_CHEMICAL"], diazepam["RX_RISK_AQUEOUS_ACID_WORKUP_MATERIAL_LOSS"]) == ("low", "moderate")
    assert parent["RX_RISK_AQUEOUS_ACID_WORKUP_MATERIAL_LOSS"] == "high"  # a polar, basic N4 stays in the acid
    assert parent["RX_RISK_SILICA_METHANOL_MATERIAL_LOSS"] == "moderate"
