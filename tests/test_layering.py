"""The package keeps the layers of ``../shared/DESIGN.md`` ("Architecture"): a module imports only from its own
layer or the layers below it, and no module imports itself back through others (no cycles).

Every import counts: at module level, inside functions (an import deferred to dodge a cycle is still a cycle)
and under ``if TYPE_CHECKING:``. Lowest layer first:

====================  =================================================================================
``_validation``,      shared checks, warnings, file helpers, the version
``_warnings``, ...
``conversions``       penalty <-> prior rules: pure math (the adapters from scikit-learn estimators and
                      glmnet, which build priors, live in ``priors.from_penalty``)
``data``              the design in working coordinates, noise estimates, bundled data sets
``likelihoods``       the likelihoods and their predictive distributions
``priors``            penalty and shrinkage priors
``model``             the PyMC model from design + likelihood + prior
``optimize``          the active-set solver, the exact MAP and paths
``inference``         NUTS and its diagnostics, Gibbs, evidence
``estimators``        scikit-learn estimators and their persistence
``analysis``          comparisons, posterior vs penalty, Bayesian paths
``viz``               the numbers behind the pictures, and plots
``apps``              command line, demo, report: never imported by the library
====================  =================================================================================

``bayesreg/__init__.py`` (the public names, imported on first use) and ``__main__.py`` stand above every layer, and
no module of the package imports them.
"""

from __future__ import annotations

import ast
import textwrap
import types
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bayesreg"

#: lowest first; a module's layer is that of its first name below ``bayesreg``
LAYERS: list[tuple[str, ...]] = [
    ("_validation", "_warnings", "_files", "_version"),
    ("conversions",),
    ("data",),
    ("likelihoods",),
    ("priors",),
    ("model",),
    ("optimize",),
    ("inference",),
    ("estimators",),
    ("analysis",),
    ("viz",),
    ("apps",),
]
TOP = ("__init__", "__main__")


def module_names(root: Path) -> dict[str, Path]:
    """Dotted name -> file, for every module of the package at ``root`` (packages by their ``__init__``)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imported_modules(path: Path, name: str, known: set[str]) -> set[str]:
    """The modules of the package that ``path`` (module ``name``) imports, anywhere in its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    root = name.partition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from pkg import sub` imports the module pkg.sub when there is one, and runs pkg's __init__ either way
            targets = [source] + [f"{source}.{a.name}" for a in node.names if f"{source}.{a.name}" in known]
        else:
            continue
        for target in targets:
            if target == root or target.startswith(root + "."):
                while target not in known and "." in target:  # `import a.b.c` of a name: its module
                    target = target.rpartition(".")[0]
                if target != name:
                    found.add(target)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    names = module_names(root)
    return {name: imported_modules(path, name, set(names)) for name, path in names.items()}


def layer_of(name: str, layers: list[tuple[str, ...]]) -> int | None:
    """The index of ``name``'s layer; ``len(layers)`` for the package's top; None if it is in no layer."""
    parts = name.split(".")
    if len(parts) == 1 or parts[1] in TOP:
        return len(layers)
    for index, members in enumerate(layers):
        if parts[1] in members:
            return index
    return None


def upward_imports(graph: dict[str, set[str]], layers: list[tuple[str, ...]]) -> list[str]:
    problems = []
    for name, targets in sorted(graph.items()):
        here = layer_of(name, layers)
        if here is None:
            problems.append(f"{name} is in no layer: add it to LAYERS (and to DESIGN.md's map)")
            continue
        for target in sorted(targets):
            there = layer_of(target, layers)
            if there is not None and there > here:
                problems.append(f"{name} (layer {here}) imports {target} (layer {there})")
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_from_a_higher_layer():
    assert upward_imports(import_graph(PACKAGE), LAYERS) == []


def test_no_import_cycles():
    assert cycles(import_graph(PACKAGE)) == []


def test_the_library_never_imports_the_package_top():
    graph = import_graph(PACKAGE)
    assert (
        sorted(name for name, targets in graph.items() if "bayesreg" in targets and name != "bayesreg.__main__") == []
    )


def test_every_subpackage_is_in_a_layer():
    subpackages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in PACKAGE.glob("*.py")} - set(TOP)
    placed = {member for members in LAYERS for member in members}
    assert subpackages | modules <= placed


def test_public_names_stay_themselves_after_every_module_is_imported():
    """A public name is never hidden by a submodule of the same name (the import system sets submodules as
    attributes of their package); ``datasets`` and ``plots`` are the public submodules."""
    import importlib

    import bayesreg

    names = sorted(import_graph(PACKAGE))
    for name in names:
        if name != "bayesreg.__main__":
            importlib.import_module(name)
    for name in bayesreg.__all__:
        value = getattr(bayesreg, name)
        assert isinstance(value, types.ModuleType) == (name in {"datasets", "plots"}), name
    assert bayesreg.compare.__module__ == "bayesreg.analysis.compare"
    assert bayesreg.plots is importlib.import_module("bayesreg.viz")


def _fake_package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "bayesreg"
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return root


@pytest.mark.parametrize(
    "source",
    [
        "from bayesreg.estimators.regression import BayesianRegression\n",
        "import bayesreg.estimators.regression\n",
        "from bayesreg.estimators import regression\n",
        "from ..estimators import regression\n",
        "def later():\n    from bayesreg.estimators.regression import BayesianRegression\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bayesreg.estimators import regression\n",
    ],
    ids=["from", "import", "from-package", "relative", "deferred", "type-checking"],
)
def test_the_checker_sees_an_upward_import_in_every_form(tmp_path, source):
    root = _fake_package(
        tmp_path,
        {
            "__init__.py": "",
            "priors/__init__.py": "",
            "priors/penalty.py": source,
            "estimators/__init__.py": "",
            "estimators/regression.py": "from bayesreg.priors.penalty import x\n",
        },
    )
    graph = import_graph(root)
    assert "bayesreg.estimators.regression" in graph["bayesreg.priors.penalty"]
    assert "bayesreg.priors.penalty (layer 4) imports bayesreg.estimators.regression (layer 8)" in upward_imports(
        graph, LAYERS
    )
    assert cycles(graph) == [["bayesreg.estimators.regression", "bayesreg.priors.penalty"]]


def test_the_checker_finds_a_cycle_within_a_layer_and_a_module_in_no_layer(tmp_path):
    root = _fake_package(
        tmp_path,
        {
            "__init__.py": "",
            "apps/__init__.py": "",
            "apps/demo.py": "from bayesreg.apps.report import write\n",
            "apps/report.py": "def f():\n    from bayesreg.apps import demo\n",
            "stray.py": "",
        },
    )
    graph = import_graph(root)
    assert cycles(graph) == [["bayesreg.apps.demo", "bayesreg.apps.report"]]
    assert upward_imports(graph, LAYERS) == ["bayesreg.stray is in no layer: add it to LAYERS (and to DESIGN.md's map)"]


def test_importing_a_sibling_through_its_package_is_a_cycle_with_the_package(tmp_path):
    """``from bayesreg.priors import shrinkage`` inside the priors package runs ``priors/__init__``, which imports
    the importing module back (found by the stop checklist's own cycle finder in ``priors.registry``)."""
    root = _fake_package(
        tmp_path,
        {
            "__init__.py": "",
            "priors/__init__.py": "from bayesreg.priors.registry import prior_class\n",
            "priors/registry.py": "from bayesreg.priors import shrinkage\n",
            "priors/shrinkage.py": "",
        },
    )
    assert cycles(import_graph(root)) == [["bayesreg.priors", "bayesreg.priors.registry"]]


def test_the_checker_allows_downward_and_same_layer_imports(tmp_path):
    root = _fake_package(
        tmp_path,
        {
            "__init__.py": "",
            "_validation.py": "",
            "priors/__init__.py": "from bayesreg.priors.penalty import Laplace\n",
            "priors/penalty.py": "from bayesreg._validation import check\nfrom bayesreg.priors.base import Prior\n",
            "priors/base.py": "import numpy as np\n",
        },
    )
    graph = import_graph(root)
    assert graph["bayesreg.priors.penalty"] == {"bayesreg._validation", "bayesreg.priors.base"}
    assert upward_imports(graph, LAYERS) == []
    assert cycles(graph) == []
