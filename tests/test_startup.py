"""Start-up: what the command process and the pKa model load, and what the fork server warms up.

Each check runs in a fresh interpreter (``sys.modules`` of the test process already holds everything) and asserts
which modules a step imports, not how long it takes (timings are measured by ``benchmarks/bench_startup.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reactivity.batch.workerstart import warm_for


def _loaded_after(code: str, modules: tuple[str, ...]) -> dict[str, bool]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {list(modules)!r}}}))"
    done = subprocess.run([sys.executable, "-P", "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


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
             "version = ruleset_version()\nprint(load_site_rules.cache_info().currsize, version == load_site_rules().version)")
    done = subprocess.run([sys.executable, "-P", "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "True"]


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


@pytest.mark.parametrize(
    ("options", "stability", "basicity"),
    [([], True, True), (["--no-stability"], False, True), (["--no-basicity"], True, False),
     (["lib.sdf", "--no-stability", "--no-basicity"], False, False)],
)
def test_the_fork_server_warms_up_what_the_run_uses(options: list[str], stability: bool, basicity: bool) -> None:
    warm = json.loads(warm_for(options))
    assert (warm["stability"], warm["basicity"]) == (stability, basicity)
    assert (warm["conditions"], warm["reactions"], warm["nitrosamine"]) == ([], [], False)


@pytest.mark.parametrize(
    ("options", "conditions", "reactions", "nitrosamine"),
    [(["lib.sdf", "--conditions", "silica_methanol,aqueous_acid_workup"], ["silica_methanol", "aqueous_acid_workup"], [], False),
     (["lib.sdf", "--conditions=boc_deprotection", "--nitrosamine"], ["boc_deprotection"], [], True),
     (["lib.sdf", "--reactions", "acylation", "--reactions=reductive_amination"], [], ["reductive_amination"], False),
     (["lib.sdf", "--conditions"], [], [], False)],
)
def test_the_fork_server_warms_up_the_presets_reactions_and_screens_asked_for(
        options: list[str], conditions: list[str], reactions: list[str], nitrosamine: bool) -> None:
    # the last value of a repeated option wins, as in the parsed command line; a missing value warms nothing
    warm = json.loads(warm_for(options))
    assert (warm["conditions"], warm["reactions"], warm["nitrosamine"]) == (conditions, reactions, nitrosamine)


def test_stability_names_resolve_lazily_and_completely() -> None:
    import reactivity.stability as stability

    for name in stability.__all__:
        assert getattr(stability, name) is not None, name
    with pytest.raises(AttributeError):
        stability.no_such_name  # noqa: B018
