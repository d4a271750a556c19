"""Runs every registered permissions case and checks the matrix covers the whole API."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.matrix_cases
from matchmaker.schema import schema
from matchmaker.schema.permissions import OPERATIONS
from matchmaker.services.authz import POLICY, ScopeKind
from tests.matrix import CASES, ROLES, build_env

for module in pkgutil.iter_modules(tests.matrix_cases.__path__):
    importlib.import_module(f"tests.matrix_cases.{module.name}")


def root_fields() -> set[str]:
    gql_schema = schema._schema
    names: set[str] = set()
    for root in (gql_schema.query_type, gql_schema.mutation_type):
        if root is not None:
            names |= set(root.fields)
    return names


def test_every_root_field_declares_its_capability():
    assert root_fields() - set(OPERATIONS) == set(), "add the new operations to permissions.py"
    assert set(OPERATIONS) - root_fields() == set(), "permissions.py lists removed operations"


def _needs_allowed(operation: str, role) -> bool:
    capability = OPERATIONS[operation]
    if capability is None:
        return role is not None
    rules = POLICY[capability]
    return None in rules or role in rules


def _needs_refused(operation: str, role) -> bool:
    capability = OPERATIONS[operation]
    if capability is None:
        return False
    rules = POLICY[capability]
    if None in rules:
        return False
    return rules.get(role) is not ScopeKind.GLOBAL


def test_matrix_has_an_allowed_and_a_refused_case_for_every_operation_and_role():
    have = {(c.operation, c.role, c.expect_allowed) for c in CASES}
    missing = []
    for operation in sorted(OPERATIONS):
        for role in ROLES:
            if _needs_allowed(operation, role) and (operation, role, True) not in have:
                missing.append(f"{operation} allowed for {role}")
            if _needs_refused(operation, role) and (operation, role, False) not in have:
                missing.append(f"{operation} refused for {role}")
    assert not missing, "matrix cases missing:\n" + "\n".join(missing)


@pytest.mark.parametrize("matrix_case", CASES, ids=lambda c: c.id)
async def test_permission_case(matrix_case, session, settings, gql):
    env = await build_env(session, settings, gql)
    outcome = await matrix_case.run(env, matrix_case.role)
    assert outcome.allowed is matrix_case.expect_allowed, outcome.detail
