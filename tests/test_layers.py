"""The service layer stays below the API: nothing in ``matchmaker.services`` imports the GraphQL
schema, the HTTP layer or their libraries (docs/architecture.md, Layout). The matching core's
own rule (no database, no GraphQL) is ``tests/test_matching_purity.py``.

Read from the source (an AST scan of every import statement, including imports inside functions
and ``TYPE_CHECKING`` blocks), so the check does not depend on what another test imported first.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import matchmaker.services

PACKAGE = Path(matchmaker.services.__file__).parent
FORBIDDEN = ("matchmaker.schema", "matchmaker.web", "strawberry", "starlette")
MODULES = sorted(PACKAGE.rglob("*.py"))


def imported_modules(source: str, package: str) -> set[str]:
    """Every module an import statement of ``source`` names (relative to ``package``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def forbidden(names: set[str]) -> set[str]:
    return {n for n in names if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)}


def test_the_scan_finds_top_level_lazy_and_relative_imports():
    source = (
        "from matchmaker.services.errors import invalid\n"
        "from ..schema import relay\n"
        "def f():\n    import starlette.requests\n"
    )
    found = forbidden(imported_modules(source, "matchmaker.services"))
    assert found == {"matchmaker.schema", "matchmaker.schema.relay", "starlette.requests"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_services_import_neither_the_schema_nor_the_web_layer(path: Path):
    package = ".".join(["matchmaker", *path.relative_to(PACKAGE.parent).parent.parts])
    assert forbidden(imported_modules(path.read_text(encoding="utf-8"), package)) == set()
