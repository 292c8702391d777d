"""The package plan of ``src/gantk`` (README, "The packages"): imports run downward only.

Each sub-package sits on a floor; a module may import modules of its own package or of a
lower floor, never of a higher one or of another package on its own floor, and the
imports between modules form no cycle. Read from ``ast`` (lazy imports inside functions
count), so a test that passes here is a property of the source, not of import order.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "gantk"

#: Floor of each top-level part of the package (README's map, in the paper's data flow).
FLOORS = {
    "common": 0,
    "data": 1,
    "kernels": 1,
    "loop": 1,
    "plots": 1,
    "metrics": 2,
    "nets": 2,
    "objective": 2,
    "synthesis": 3,
    "baselines": 4,
    "generator": 4,
    "experiments": 5,
    "workflow": 6,
}

#: Largest module, in lines; package data files are not modules.
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """gantk modules that ``name`` imports (a ``from pkg import sub`` counts as ``pkg.sub``)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules else target)
    return {m for m in found if m == "gantk" or m.startswith("gantk.")}


def _part(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_every_part_of_the_package_has_a_floor():
    parts = {p.name for p in SRC.iterdir() if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"}
    parts.discard("__init__.py")
    assert parts == set(FLOORS), f"parts without a floor: {sorted(parts - set(FLOORS))}; stale: {sorted(set(FLOORS) - parts)}"


def _upward(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for module, deps in graph.items():
        here = _part(module)
        for dep in deps:
            there = _part(dep)
            if here is None or there is None or here == there:
                continue
            if FLOORS[there] >= FLOORS[here]:
                out.append(f"{module} (floor {FLOORS[here]}) imports {dep} (floor {FLOORS[there]})")
    return sorted(out)


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a path m0 -> ... -> m0, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for dep in sorted(graph.get(m, ())):
            # a package's __init__ re-exporting its own modules is not a cycle through them
            if dep == m or dep not in graph or m == dep.rsplit(".", 1)[0]:
                continue
            if state.get(dep) == 1:
                return stack[stack.index(dep) :] + [dep]
            if dep not in state and (found := visit(dep)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_imports_run_downward_only(graph):
    upward = _upward(graph)
    assert not upward, "imports that do not run downward:\n" + "\n".join(upward)


def test_module_imports_have_no_cycle(graph):
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_checks_find_an_upward_import_and_a_cycle():
    """The review's circle (kernels/state -> precision -> gp -> kernels) and its upward
    import, as they were before the plan: both checks must name them."""
    old = {
        "gantk.kernels.state": {"gantk.common.precision"},
        "gantk.common.precision": {"gantk.objective.gp"},
        "gantk.objective.gp": {"gantk.kernels.state"},
    }
    assert _upward(old) == ["gantk.common.precision (floor 0) imports gantk.objective.gp (floor 2)"]
    assert _cycle(old) == ["gantk.common.precision", "gantk.objective.gp", "gantk.kernels.state", "gantk.common.precision"]
    assert _cycle({"gantk.a": {"gantk.a.b"}, "gantk.a.b": set()}) is None


def test_no_module_is_over_the_line_limit():
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"
