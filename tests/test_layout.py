"""The layout's rules, read from the source: which stage may import which, no cycles, and
short functions in the middle of the pipeline (see docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "campaign_detect"

# each top-level module or package of campaign_detect, lowest first: a unit may import only
# units of a lower layer, and modules of its own package
LAYERS: list[set[str]] = [
    {"errors", "progress", "_arrays", "_version"},
    {"values", "schema", "entities"},
    {"objects"},
    {"load", "synth"},
    {"describe", "signals"},
    {"clusters"},
    {"score"},
    {"evidence"},
    {"config"},
    {"pipeline"},
    {"report"},
    {"cli"},
    {"__main__", "__init__"},
]
LAYER = {unit: i for i, units in enumerate(LAYERS) for unit in units}
SHORT = ("pipeline.py", "clusters", "score")
MAX_LINES = 80


def _unit(module: str) -> str:
    """The top-level unit of a dotted module name inside campaign_detect (a name imported
    from the package root, such as ``__version__``, is the root's)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYER else "__init__"


def _module(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every campaign_detect module `path` imports, at any depth (functions and
    TYPE_CHECKING blocks included: a lazy import is still a dependency)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("campaign_detect")}
        elif isinstance(node, ast.ImportFrom) and node.module == "campaign_detect":
            found |= {f"campaign_detect.{a.name}" for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("campaign_detect"):
            found.add(node.module or "")
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))
GRAPH = {_module(p): _imports(p) for p in SOURCES}


def test_every_unit_has_a_layer():
    units = {_unit(m) for m in GRAPH}
    assert units <= set(LAYER), sorted(units - set(LAYER))


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_go_only_down(module):
    unit = _unit(module)
    for imported in GRAPH[module]:
        target = _unit(imported)
        if target == unit and unit != "__init__":
            continue  # inside one package: checked for cycles below
        assert LAYER[target] < LAYER[unit], f"{module} imports {imported} (a higher stage)"


def test_no_import_cycles():
    def known(name: str) -> str:
        # `from campaign_detect.x import y` may name a module x.y or a name in x
        return name if name in GRAPH else name.rsplit(".", 1)[0]

    edges = {m: {known(i) for i in imports if known(i) in GRAPH} for m, imports in GRAPH.items()}
    # a package's __init__ importing its own submodules is how packages work: that edge is
    # kept, and a submodule importing its package's __init__ back is the cycle to catch
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                raise AssertionError(" -> ".join([*stack, node, nxt]))
            if nxt not in state:
                visit(nxt, [*stack, node])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [])


@pytest.mark.parametrize(
    "path",
    [p for p in SOURCES if any(part in p.relative_to(PACKAGE).parts for part in SHORT)],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_functions_in_the_middle_stages_are_short(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_LINES, f"{path.name}:{node.lineno} {node.name} has {length} lines"
