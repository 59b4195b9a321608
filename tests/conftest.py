"""Shared test helpers. Tests read only their own fixtures in tests/data (each with its licence lines)."""

from __future__ import annotations

import atexit
import os
import random
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from rdkit import Chem

DATA = Path(__file__).parent / "data"

# The tests keep the parsed rule files (reactivity.tomlcache) in a folder of their own, never in the home folder; set
# before any test module is collected (collection already reads rule files), inherited by the command-line runs.
_RULE_PARSE_CACHE = tempfile.mkdtemp(prefix="reactivity-tests-rule-cache-")
os.environ["REACTIVITY_CACHE_DIR"] = _RULE_PARSE_CACHE
atexit.register(shutil.rmtree, _RULE_PARSE_CACHE, True)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder of committed test fixtures."""
    return DATA


def v3000_with_offset(mol: Chem.Mol, offset: int) -> str:
    """A V3000 molblock whose atoms are numbered ``offset + 1``, ``offset + 2``... (bonds renumbered to match): a
    record whose own atom numbers are not the 1-based positions (``from conftest import v3000_with_offset``)."""
    out, section = [], ""
    for line in Chem.MolToV3KMolBlock(mol).splitlines():
        if line.startswith("M  V30 BEGIN "):
            section = line.split()[-1]
        elif line.startswith("M  V30 END "):
            section = ""
        elif section == "ATOM":
            line = re.sub(r"^M  V30 (\d+)", lambda m: f"M  V30 {int(m.group(1)) + offset}", line)
        elif section == "BOND":
            parts = line.split()
            parts[4], parts[5] = str(int(parts[4]) + offset), str(int(parts[5]) + offset)
            line = "M  V30 " + " ".join(parts[2:])
        out.append(line)
    return "\n".join(out) + "\n"


def answer_summary(mol: Chem.Mol) -> tuple:
    """What every capability answers for a molecule, without atom indices (they follow the drawing): ring classes,
    competing sites and stereocentres; stability at pH 2 and 37 C with its pathways, rates, degradant SMILES and the
    silica/methanol preset; pKa values and bands; nitrosamine products; an acylation plan. Two drawings of one
    structure must give equal summaries."""
    import reactivity as rx
    from reactivity.basicity import predict_basicity

    rings = sorted((r.n1_class, r.n4_class, r.ring_variant, tuple(sorted(s.kind for s in r.competing_sites)),
                    tuple(sorted((st.position, st.label) for st in r.stereocentres))) for r in rx.perceive(mol))
    stability = rx.assess_stability(mol, ph=2.0, temperature_c=37.0, conditions=("silica_methanol",))
    basicity = predict_basicity(mol, 7.4)
    nitroso = rx.nitrosamine_risk(mol)
    plan = rx.plan_derivatization(mol, "acylation", "CC(=O)Cl")
    return (
        rings,
        (stability.risk, stability.stable_ph_window, f"{stability.fraction_lost:.9g}" if stability.fraction_lost is not None else None,
         sorted((p.kind, f"{p.k_per_s:.9g}" if p.k_per_s is not None else None) for p in stability.pathways),
         sorted(d.smiles for d in stability.degradants),
         sorted((c.name, c.chemical_risk, c.material_loss_risk) for c in stability.conditions)),
        (basicity.n4_pka, sorted((s.site_class, s.pka, s.band) for s in basicity.sites),
         [m.pka for m in basicity.macro_pkas]),
        sorted((p.site, p.category, p.species.inchikey) for p in nitroso.products + nitroso.dealkylation_products),
        (plan.outcome, plan.product_smiles),
    )


def default_sigint() -> None:
    """``preexec_fn`` of a command started to be interrupted: Ctrl-C (SIGINT) back to its default action.

    A shell starts a background job (``pytest ... &``) with SIGINT ignored, and a child inherits that: Python then
    never turns SIGINT into KeyboardInterrupt, and a test that sends it would measure the shell, not the command."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def random_renumberings(mol: Chem.Mol, rng: random.Random, count: int) -> list[Chem.Mol]:
    """``count`` copies of ``mol`` with its atoms in random orders (new atom i is old atom order[i])."""
    copies = []
    for _ in range(count):
        order = list(range(mol.GetNumAtoms()))
        rng.shuffle(order)
        copies.append(Chem.RenumberAtoms(mol, order))
    return copies


def check_drawing_independence(smiles: str, rng: random.Random, renumberings: int = 1) -> None:
    """Assert that :func:`answer_summary` of ``smiles`` is the same in ``renumberings`` random atom orders and with
    its hydrogens drawn explicitly."""
    plain = Chem.MolFromSmiles(smiles)
    expected = answer_summary(plain)
    for shuffled in random_renumberings(plain, rng, renumberings):
        assert answer_summary(shuffled) == expected, (smiles, "renumbered")
    assert answer_summary(Chem.AddHs(Chem.MolFromSmiles(smiles))) == expected, (smiles, "explicit H")

