"""Packaging: the wheel installs only the reactivity namespace and carries its data files; doctests run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import reactivity

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    wheels = list(out.glob("reactivity-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_top_level_is_only_reactivity(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"reactivity"}
    assert not any(name.startswith(("cli/", "models/", "datasets/")) for name in names)


def test_wheel_carries_rules_cli_models_and_datasets(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for required in (
        "reactivity/data/site_rules.toml",
        "reactivity/data/guidance.toml",
        "reactivity/data/references.toml",
        "reactivity/basicity/class_sites.toml",
        "reactivity/basicity/substituent_increments.toml",
        "reactivity/cli/__init__.py",
        "reactivity/cli/explain.py",
        "reactivity/models/artefact_hashes.json",
        "reactivity/datasets/__init__.py",
    ):
        assert required in names, required
    shipped_data = [n for n in names if n.startswith(("reactivity/models/", "reactivity/datasets/"))]
    source_data = [
        p.relative_to(ROOT).as_posix()
        for folder in ("models", "datasets")
        for p in (ROOT / folder).iterdir()
        if p.is_file() and p.suffix in (".joblib", ".npz", ".csv", ".md", ".json")
    ]
    for path in source_data:
        assert "reactivity/" + path in shipped_data, path


def _package_modules():
    names = ["reactivity"]
    for info in pkgutil.walk_packages(reactivity.__path__, prefix="reactivity."):
        names.append(info.name)
    return sorted(set(names))


@pytest.mark.parametrize("module_name", _package_modules())
def test_doctests(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module_name}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    fence = readme.index("```bash")
    install_and_run, install_and_test = readme[fence + 1], readme[fence + 2]
    assert "reactivity annotate" in install_and_run and "pip install" in install_and_run
    assert ".[test]" in install_and_test and "pytest" in install_and_test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci
