"""Start-up: what the command process and the pKa model load, and what the fork server warms up.

Each check runs in a fresh interpreter (``sys.modules`` of the test process already holds everything) and asserts
which modules a step imports, not how long it takes (timings are measured by ``benchmarks/bench_startup.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest



def _probe(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; its last line of output, read as JSON."""
    done = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _loaded_after(code: str, modules: tuple[str, ...]) -> dict[str, bool]:
    return _probe(f"{code}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {list(modules)!r}}}))")


def test_starting_the_fork_server_needs_neither_rdkit_nor_typer() -> None:
    # the command line launches the fork server before it imports anything heavy
    loaded = _loaded_after("import reactivity.cli, reactivity.batch.workerstart", ("rdkit", "typer", "numpy"))
    assert loaded == {"rdkit": False, "typer": False, "numpy": False}


def test_the_annotate_command_process_does_not_import_numpy_or_the_models() -> None:
    # option checks (presets, pH/temperature ranges) use the light preset module; chemistry runs in the workers
    loaded = _loaded_after("import reactivity.cli.annotate", ("numpy", "joblib", "reactivity.stability.assess"))
    assert loaded == {"numpy": False, "joblib": False, "reactivity.stability.assess": False}


def test_the_command_process_loads_derivatization_rules_only_for_reactions(tmp_path) -> None:
    # a run without --reactions never reads the derivatization rule files in the command process; one with it does
    probe = ("import sys\nfrom reactivity.cli import main\nsys.argv = ['reactivity', 'annotate', {input!r}, '-o', {output!r},"
             " '--no-progress', '--no-stability', '--no-basicity'{extra}]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass")
    source = tmp_path / "one.smi"
    source.write_text("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21 diazepam\n")
    plain = _loaded_after(probe.format(input=str(source), output=str(tmp_path / "a.sdf"), extra=""),
                          ("reactivity.derivatization", "pydantic"))
    asked = _loaded_after(probe.format(input=str(source), output=str(tmp_path / "b.sdf"), extra=", '--reactions', 'acylation'"),
                          ("reactivity.derivatization",))
    assert plain == {"reactivity.derivatization": False, "pydantic": False}
    assert asked == {"reactivity.derivatization": True}
    assert "RX_RXN_ACYLATION" in (tmp_path / "b.sdf").read_text() and "RX_RXN_" not in (tmp_path / "a.sdf").read_text()


def test_the_ruleset_version_is_read_without_compiling_the_rules() -> None:
    # the legend's ruleset_version is read in the command process: from the rule file, no SMARTS compiled for it
    probe = ("from reactivity.batch.tags import ruleset_version\nfrom reactivity.rules import load_site_rules\n"
             "version = ruleset_version()\ncompiled = load_site_rules.cache_info().currsize\n"
             "import json\nprint(json.dumps([compiled, version == load_site_rules().version]))")
    assert _probe(probe) == [0, True]


def test_loading_the_pka_model_unpickles_nothing() -> None:
    loaded = _loaded_after("from reactivity.basicity import load_pka_model\nload_pka_model()",
                           ("joblib", "sklearn", "pickle"))
    assert loaded["joblib"] is False and loaded["sklearn"] is False


def test_stability_with_reference_panel_needs_no_scikit_learn() -> None:
    # the reference-panel model is an array archive: answering reads no pickle and imports no scikit-learn
    loaded = _loaded_after(
        "from reactivity import assess_stability, mol_from_smiles\n"
        "assess_stability(mol_from_smiles('CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21'))",
        ("sklearn", "joblib"),
    )
    assert loaded == {"sklearn": False, "joblib": False}


def test_the_fork_server_warms_up_what_every_record_needs_and_no_scorer() -> None:
    # reading, the ring screen and output are compiled before any worker is forked; the perception rules (needed by
    # ring-bearing and near-miss records only), numpy and the models are not loaded
    found = _probe(
        "import json, sys\nfrom reactivity.batch.supervise import warm_up\nwarm_up()\n"
        "from reactivity.rules import load_site_rules\n"
        "print(json.dumps({'rules': load_site_rules.cache_info().currsize,\n"
        "                  'numpy': 'numpy' in sys.modules, 'pka': 'reactivity.basicity.model' in sys.modules,\n"
        "                  'stability': 'reactivity.stability.assess' in sys.modules}))"
    )
    assert found == {"rules": 0, "numpy": False, "pka": False, "stability": False}


_CHUNK_PROBE = """
import json, sys
from rdkit import Chem
from reactivity.batch.annotate import AnnotateSettings, annotate_chunk, _warm_perception, _warm_scorers
from reactivity.rules import load_site_rules
records = [Chem.MolToMolBlock(Chem.MolFromSmiles(s)).encode() + b"$$$$\\n" for s in {smiles!r}]
calls = []
done = annotate_chunk(records, AnnotateSettings(stability=True, basicity=True),
                      lambda i: calls.append([i, load_site_rules.cache_info().currsize, _warm_scorers.cache_info().currsize]))
print(json.dumps({{'calls': calls, 'warmed': _warm_scorers.cache_info().currsize, 'numpy': 'numpy' in sys.modules,
                  'perception': _warm_perception.cache_info().currsize, 'status': [r.status for r in done]}}))
"""


def test_a_worker_loads_the_scorers_before_its_first_ring_bearing_records_with_a_heartbeat_after() -> None:
    # with a heartbeat (a supervised worker), the scorers are loaded in a step of their own, between two heartbeats,
    # so the loading never counts against a record's time limit
    found = _probe(_CHUNK_PROBE.format(smiles=["CC(=O)Oc1ccccc1C(=O)O", "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"]))
    assert found["status"] == ["no_scaffold", "ok"] and found["warmed"] == 1 and found["numpy"] is True
    # [record or heartbeat, perception rules compiled, scorers loaded]: aspirin read with nothing loaded; diazepam's
    # reading starts, it passes the ring screen, a heartbeat, the perception rules compiled, a heartbeat; then a
    # heartbeat, the scorers loaded, a heartbeat, and the batch scored
    assert found["calls"][:6] == [[0, 0, 0], [1, 0, 0], [-1, 0, 0], [-1, 1, 0], [-1, 1, 0], [-1, 1, 1]]


def test_a_chunk_without_the_ring_loads_neither_perception_nor_a_scorer() -> None:
    found = _probe(_CHUNK_PROBE.format(smiles=["CC(=O)Oc1ccccc1C(=O)O", "c1ccncc1"]))
    assert found["status"] == ["no_scaffold", "no_scaffold"] and found["warmed"] == 0 and found["numpy"] is False
    assert found["perception"] == 0 and found["calls"] == [[0, 0, 0], [1, 0, 0], [-1, 0, 0]]


def test_a_near_miss_compiles_perception_between_heartbeats_but_loads_no_scorer() -> None:
    # a 1,4-diazepane (no lactam) passes the ring screen: perception runs, in its own step; no scorer is loaded
    found = _probe(_CHUNK_PROBE.format(smiles=["CN1CCCN(C)CC1"]))
    assert found["status"] == ["no_scaffold"] and found["perception"] == 1 and found["warmed"] == 0
    assert found["calls"][:3] == [[0, 0, 0], [-1, 0, 0], [-1, 1, 0]]


def test_stability_names_resolve_lazily_and_completely() -> None:
    import reactivity.stability as stability

    for name in stability.__all__:
        assert getattr(stability, name) is not None, name
    with pytest.raises(AttributeError):
        stability.no_such_name  # noqa: B018
