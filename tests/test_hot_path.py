"""The lean per-record path of ``annotate``: no work whose result is not written, and a console script that imports
only the command it runs. Behaviour only; timings are measured by ``benchmarks/``, never asserted here."""

from __future__ import annotations

import pickle
import subprocess
import sys

from rdkit import Chem

from reactivity.perception import perceive
from reactivity.species import describe_species
from reactivity.stability import assess_rings
from reactivity.stability.results import Degradant

DIAZEPAM = "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"
# InChIKey of glycine (PubChem CID 750), written out by hand from the public record.
GLYCINE_KEY = "DHMQDGOQFOQNFH-UHFFFAOYSA-N"


def test_inchikey_can_be_left_out_and_everything_else_is_the_same():
    mol = Chem.MolFromSmiles("NCC(=O)O")
    full, light = describe_species(mol), describe_species(mol, with_inchikey=False)
    assert full.inchikey == GLYCINE_KEY and light.inchikey is None
    assert (light.smiles, light.formula, light.monoisotopic_mass, light.mz_mh) == (
        full.smiles, full.formula, full.monoisotopic_mass, full.mz_mh)


def test_degradant_inchikey_is_computed_on_first_read_only():
    calls = []

    def key() -> str:
        calls.append(1)
        return GLYCINE_KEY

    degradant = Degradant("amino acid", "NCC(=O)O", key, "C2H5NO2", 75.032028, 76.039304)
    assert degradant.tag_text == "amino acid@76.0393" and not calls  # what batch annotation writes: no key needed
    assert degradant.inchikey == GLYCINE_KEY and degradant.inchikey == GLYCINE_KEY
    assert len(calls) == 1
    eager = Degradant("amino acid", "NCC(=O)O", GLYCINE_KEY, "C2H5NO2", 75.032028, 76.039304)
    assert degradant == eager and hash(degradant) == hash(eager)
    assert degradant.to_dict() == eager.to_dict() and degradant.to_dict()["inchikey"] == GLYCINE_KEY
    assert pickle.loads(pickle.dumps(degradant)) == eager
    assert "inchikey='DHMQDGOQFOQNFH-UHFFFAOYSA-N'" in repr(degradant)


def test_stability_degradants_carry_the_keys_of_their_structures():
    mol = Chem.MolFromSmiles(DIAZEPAM)
    result = assess_rings(mol, perceive(mol), with_references=False)
    assert result.degradants
    for degradant in result.degradants:
        # the lazily computed key is the key of the product's own structure
        assert degradant.inchikey == Chem.MolToInchiKey(Chem.MolFromSmiles(degradant.smiles))


def _modules_after(argv: list[str]) -> set[str]:
    code = (
        "import sys\n"
        "from reactivity.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return set(result.stderr.split())


def test_the_console_script_imports_only_the_command_it_runs():
    modules = _modules_after(["annotate", "--help"])
    assert "reactivity.cli.annotate" in modules
    assert not {"reactivity.cli.explain", "reactivity.cli.synth", "reactivity.cli.report"} & modules


def test_help_without_a_command_lists_every_command():
    from reactivity.cli import app

    names = {command.name for command in app.registered_commands}
    assert {"annotate", "explain", "synth", "troubleshoot", "stability", "pka", "nitrosamine", "report",
            "derivatize", "legend"} <= names
    modules = _modules_after(["--help"])
    assert {"reactivity.cli.annotate", "reactivity.cli.explain", "reactivity.cli.legend"} <= modules
