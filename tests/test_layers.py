"""The package's layers, read from its imports (those that run: `if TYPE_CHECKING:`
blocks aside, function-level imports included): no import cycle anywhere, and the
semantic model built bottom-up, from syntax to the helpers rules use."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "repolint"

SEMANTIC_LAYERS = (
    (
        "syntax",
        {"fstrings", "downgrade", "source", "imports", "names", "fixed", "types"},
    ),
    (
        "declarations",
        {
            "module",
            "loading",
            "memo",
            "not_none",
            "statements",
            "order",
            "partition",
            "refs",
            "models",
            "pydantic_models",
        },
    ),
    ("summaries", {"summaries"}),
    ("index", {"index"}),
    (
        "flow",
        {
            "flow",
            "flow_state",
            "flow_helpers",
            "flow_conditions",
            "flow_binding",
            "flow_reads",
            "flow_calls",
            "flow_methods",
            "call_sites",
            "annotations",
        },
    ),
    ("call summaries", {"facts", "early_home"}),
    ("rule helpers", {"context", "loops", "lazy", "eager_paths"}),
)
"""Low to high: a module of `repolint.semantics` imports only from its own layer or
lower ones."""

UPWARD = {("index", "facts")}
"""The one import that goes up, inside a function: the index hands out the store of
call summaries (`ProjectIndex.facts`) that it is built before."""

OUTSIDE_SEMANTICS = ("rules", "report", "cli", "commands", "engine", "runner", "audit")
"""What the semantic model never imports: it knows nothing of rules, reports or runs."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            continue
        if isinstance(child, ast.ImportFrom) and (child.module or "").startswith("repolint"):
            found.add(child.module or "")
        elif isinstance(child, ast.Import):
            found |= {a.name for a in child.names if a.name.startswith("repolint")}
        found |= _runtime_imports(child)
    return found


def _graph() -> dict[str, set[str]]:
    return {
        _module_name(path): _runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
        for path in PACKAGE.rglob("*.py")
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)) is not None:
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_no_import_cycle() -> None:
    assert _cycle(_graph()) is None


def test_the_semantic_model_is_built_bottom_up() -> None:
    layer_of = {name: i for i, (_, names) in enumerate(SEMANTIC_LAYERS) for name in names}
    graph = _graph()
    modules = {m.rsplit(".", 1)[-1] for m in graph if m.startswith("repolint.semantics.")}
    assert modules == set(layer_of), "every semantics module has a layer"
    wrong = []
    for module, imported in graph.items():
        if not module.startswith("repolint.semantics."):
            continue
        low = module.rsplit(".", 1)[-1]
        for target in imported:
            if target.startswith("repolint.semantics."):
                high = target.rsplit(".", 1)[-1]
                if layer_of[high] > layer_of[low] and (low, high) not in UPWARD:
                    wrong.append(f"{low} ({SEMANTIC_LAYERS[layer_of[low]][0]}) imports {high}")
            elif target.removeprefix("repolint.").split(".")[0] in OUTSIDE_SEMANTICS:
                wrong.append(f"{low} imports {target}")
    assert wrong == []


def test_rules_know_nothing_of_reports_or_runs() -> None:
    graph = _graph()
    wrong = [
        f"{module} imports {target}"
        for module, imported in graph.items()
        if module.startswith("repolint.rules")
        for target in imported
        if target.removeprefix("repolint.").split(".")[0]
        in ("report", "cli", "commands", "engine", "runner", "audit")
    ]
    assert wrong == []
