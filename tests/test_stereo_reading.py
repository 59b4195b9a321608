"""The readers keep the stereochemistry of the drawing in what is made from the molecule: an E double bond away from
the ring is untouched by N-acylation, N-nitrosation or lactam hydrolysis, so each product keeps it (its SMILES shows
it, its InChIKey has a stereo layer, not the standard "no stereo" block UHFFFAOYSA).

Expected products are written by hand from the chemistry: the reaction changes N4 or the lactam, not the alkene.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rdkit import Chem
from rdkit.Chem import AllChem

import reactivity as rx
from reactivity.batch.annotate import parse_sd_record

CINNAMYL = "O=C1CNCCCN1C/C=C/c1ccccc1"  # N1-(E)-cinnamyl 1,4-diazepan-2-one, N4-H
ACETYL = "CC(=O)N1CCCN(C/C=C/c2ccccc2)C(=O)C1"  # N4-acetyl product
NITROSO = "O=NN1CCCN(C/C=C/c2ccccc2)C(=O)C1"  # N4-nitroso product
OPENED = "OC(=O)CNCCCNC/C=C/c1ccccc1"  # lactam hydrolysis product (amino acid)


def _molblock(smiles: str) -> str:
    mol = Chem.MolFromSmiles(smiles)
    AllChem.Compute2DCoords(mol)
    return Chem.MolToMolBlock(mol)  # the E bond is in the 2D coordinates only


def _readings() -> dict[str, Chem.Mol]:
    block = _molblock(CINNAMYL)
    return {
        "smiles": rx.mol_from_smiles(CINNAMYL),
        "molblock": rx.mol_from_molblock(block),
        "sd record": parse_sd_record((block + "$$$$\n").encode())[0],
        "built in code, not sanitized": Chem.MolFromSmiles(CINNAMYL, sanitize=False),
    }


@pytest.mark.parametrize("how", list(_readings()))
def test_products_keep_the_e_double_bond(how):
    mol = _readings()[how]
    plan = rx.plan_derivatization(mol, "acylation", "CC(=O)Cl")
    assert plan.product_smiles == Chem.CanonSmiles(ACETYL), how
    nitroso = rx.nitrosamine_risk(mol).products[0].species
    assert nitroso.smiles == Chem.CanonSmiles(NITROSO), how
    assert nitroso.inchikey == Chem.MolToInchiKey(Chem.MolFromSmiles(NITROSO)), how
    assert not nitroso.inchikey.endswith("UHFFFAOYSA-N")
    degradants = {d.smiles for d in rx.assess_stability(mol, ph=1.0).degradants}
    assert Chem.CanonSmiles(OPENED) in degradants, (how, degradants)


def test_the_nitrosamine_command_reports_the_stereo_of_the_product():
    done = subprocess.run([sys.executable, "-m", "reactivity", "nitrosamine", CINNAMYL, "--json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert Chem.MolToInchiKey(Chem.MolFromSmiles(NITROSO)) in text
    assert json.loads(text)  # one JSON document
