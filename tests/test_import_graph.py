"""The import graph of ``src/matchmaker`` has no circle, and the HTTP and job layers import
nothing inside a function unless that import breaks a circle.

Read from the source (an AST scan), so the check does not depend on what another test happened
to import first. An import of ``a.b.c`` runs ``a`` and ``a.b`` too, so it counts as an edge to
each of them; an edge from a module to its own package is the ordinary package pattern and is
left out. Imports under ``if TYPE_CHECKING:`` never run and are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import matchmaker

SRC = Path(matchmaker.__file__).parent.parent
#: Packages held to "no function-level import that breaks no circle" (docs/architecture.md).
NO_NEEDLESS_LAZY_IMPORTS = (
    "matchmaker.web",
    "matchmaker.jobs",
    "matchmaker.queue",
    "matchmaker.schema.errors",
    "matchmaker.services",
)
#: Not cleaned yet (lazy imports of the NumPy model code and between the rules): this list may
#: only shrink.
NOT_YET_CLEAN = ("matchmaker.services.matching", "matchmaker.services.oversight")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def module_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported (not in functions, not TYPE_CHECKING)."""

    def walk(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                yield node
            elif isinstance(node, ast.If):
                if not _type_checking(node.test):
                    yield from walk(node.body)
                yield from walk(node.orelse)
            elif isinstance(node, ast.Try):
                yield from walk(node.body)
                for handler in node.handlers:
                    yield from walk(handler.body)
                yield from walk(node.orelse)
                yield from walk(node.finalbody)

    yield from walk(tree.body)


def function_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    top = {id(node) for node in module_level_imports(tree)}
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _type_checking(node.test):
            guarded.update(id(inner) for inner in ast.walk(node))
    for node in ast.walk(tree):
        lazy = id(node) not in top and id(node) not in guarded
        if isinstance(node, ast.Import | ast.ImportFrom) and lazy:
            yield node


class Graph:
    def __init__(self, root: Path, package: str = "matchmaker") -> None:
        self.paths = {module_name(p, root): p for p in (root / package).rglob("*.py")}
        self.trees = {
            name: ast.parse(p.read_text(encoding="utf-8")) for name, p in self.paths.items()
        }
        self.edges = {
            name: self.targets(name, module_level_imports(tree))
            for name, tree in self.trees.items()
        }

    def targets(self, module: str, nodes: Iterator[ast.Import | ast.ImportFrom]) -> set[str]:
        is_package = self.paths[module].name == "__init__.py"
        found: set[str] = set()
        for node in nodes:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = module if is_package else module.rsplit(".", 1)[0]
                    for _ in range(node.level - 1):
                        base = base.rsplit(".", 1)[0]
                    source = f"{base}.{node.module}" if node.module else base
                else:
                    source = node.module or ""
                names = [source, *(f"{source}.{alias.name}" for alias in node.names)]
            for name in names:
                parts = name.split(".")
                for i in range(1, len(parts) + 1):
                    candidate = ".".join(parts[:i])
                    if candidate in self.paths:
                        found.add(candidate)
        return {t for t in found if t != module and not module.startswith(t + ".")}

    def reaches(self, start: str, goal: str) -> bool:
        seen, todo = {start}, [start]
        while todo:
            current = todo.pop()
            if current == goal:
                return True
            for nxt in self.edges[current] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return False

    def circles(self) -> list[list[str]]:
        """Strongly connected components of more than one module (Tarjan, iteratively)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        found: list[list[str]] = []
        counter = 0
        for root in sorted(self.edges):
            if root in index:
                continue
            work = [(root, iter(sorted(self.edges[root])))]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            while work:
                node, children = work[-1]
                child = next(children, None)
                if child is not None:
                    if child not in index:
                        index[child] = low[child] = counter
                        counter += 1
                        stack.append(child)
                        on_stack.add(child)
                        work.append((child, iter(sorted(self.edges[child]))))
                    elif child in on_stack:
                        low[node] = min(low[node], index[child])
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
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
        return found

    def needless_lazy_imports(self, prefixes: tuple[str, ...]) -> list[str]:
        """Function-level imports in ``prefixes`` whose target does not import the module back."""
        needless = []
        for name, tree in sorted(self.trees.items()):
            if not any(name == p or name.startswith(p + ".") for p in prefixes):
                continue
            if any(name == p or name.startswith(p + ".") for p in NOT_YET_CLEAN):
                continue
            for node in function_level_imports(tree):
                targets = self.targets(name, iter([node]))
                deepest = {t for t in targets if not any(o.startswith(t + ".") for o in targets)}
                if deepest and not any(self.reaches(t, name) for t in deepest):
                    needless.append(f"{name}:{node.lineno} imports {sorted(deepest)}")
        return needless


def _fake_package(tmp_path: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = tmp_path / "matchmaker" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_scan_finds_a_circle_through_a_package_init(tmp_path):
    root = _fake_package(
        tmp_path,
        {
            "__init__.py": "",
            "web/__init__.py": "from matchmaker.web.app import create_app\n",
            "web/app.py": "from matchmaker.schema import build\n",
            "schema/__init__.py": "from matchmaker.web.metrics import COUNTER\n",
            "web/metrics.py": "COUNTER = 1\n",
            "typed.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from matchmaker.web import app\n"
            ),
        },
    )
    assert Graph(root).circles() == [["matchmaker.schema", "matchmaker.web", "matchmaker.web.app"]]


def test_the_scan_tells_a_lazy_import_that_breaks_a_circle_from_one_that_breaks_none(tmp_path):
    root = _fake_package(
        tmp_path,
        {
            "__init__.py": "",
            "web/__init__.py": "",
            "web/app.py": "import matchmaker.web.files\n",
            "web/files.py": (
                "def f():\n    from matchmaker.web.app import x\n"
                "def g():\n    from matchmaker.web import metrics\n"
            ),
            "web/metrics.py": "",
        },
    )
    graph = Graph(root)
    assert graph.circles() == []
    assert graph.needless_lazy_imports(("matchmaker.web",)) == [
        "matchmaker.web.files:4 imports ['matchmaker.web.metrics']"
    ]


def test_the_import_graph_of_the_package_has_no_circle():
    assert Graph(SRC).circles() == []


def test_the_web_job_queue_and_service_layers_import_inside_a_function_only_to_break_a_circle():
    assert Graph(SRC).needless_lazy_imports(NO_NEEDLESS_LAZY_IMPORTS) == []


def test_the_queue_machinery_imports_no_service_job_schema_or_web_module():
    """Services schedule through ``matchmaker.queue``; if the queue imported them back (even
    inside a function), services and jobs would loop through it again."""
    graph = Graph(SRC)
    forbidden = ("matchmaker.services", "matchmaker.jobs", "matchmaker.schema", "matchmaker.web")
    found = []
    for name, tree in sorted(graph.trees.items()):
        if not name.startswith("matchmaker.queue"):
            continue
        every_import = (n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom))
        for target in sorted(graph.targets(name, every_import)):
            if any(target == f or target.startswith(f + ".") for f in forbidden):
                found.append(f"{name} imports {target}")
    assert found == []
