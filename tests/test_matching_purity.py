"""The matching core stays pure: arrays in, arrays out, no database, ORM, GraphQL or web.

Read from the source (an AST scan of every import statement, including imports inside functions
and ``TYPE_CHECKING`` blocks), so the check cannot be fooled by what another test happened to
import first.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import matchmaker.matching

PACKAGE = Path(matchmaker.matching.__file__).parent
FORBIDDEN = (
    "sqlalchemy",
    "strawberry",
    "starlette",
    "alembic",
    "matchmaker.db",
    "matchmaker.models",
    "matchmaker.services",
    "matchmaker.schema",
    "matchmaker.web",
)
MODULES = sorted(PACKAGE.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = "matchmaker.matching"
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_the_scan_sees_every_module_of_the_package():
    assert {p.name for p in MODULES} >= {
        "__init__.py",
        "features.py",
        "directions.py",
        "model.py",
        "explain.py",
        "fairness.py",
        "evaluation.py",
    }


def test_the_scan_catches_a_forbidden_import(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "def f():\n    from matchmaker.services import matching\n    import sqlalchemy.orm\n",
        encoding="utf-8",
    )
    assert {n for n in imported_modules(sneaky) if forbidden(n)} == {
        "matchmaker.services",
        "matchmaker.services.matching",
        "sqlalchemy.orm",
    }


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_matching_module_imports_no_database_orm_graphql_or_web_code(path):
    bad = sorted(n for n in imported_modules(path) if forbidden(n))
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_matching_module_imports_only_the_standard_library_numpy_scikit_learn_and_itself(path):
    # An allow-list, so nothing forbidden can come in through another matchmaker module either.
    allowed_third_party = {"numpy", "sklearn", "scipy", "threadpoolctl"}
    outside = sorted(
        name
        for name in imported_modules(path)
        if not name.startswith("matchmaker.matching")
        and name.split(".")[0] not in sys.stdlib_module_names | allowed_third_party | {"__future__"}
    )
    assert outside == [], f"{path.name} imports {outside}"
