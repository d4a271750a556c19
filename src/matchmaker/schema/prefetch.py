"""Fields a list resolver fills for the whole page resolve without per-field machinery.

A connection resolver that loads, say, every organization's base region for its page in the
same statement stores the result on each object. Marking the field with
``metadata=prefetched("attribute")`` makes the schema return that attribute directly when it
is set — a plain attribute read, like a field with no resolver — and run the field's own
resolver (a data loader, usually) only when it isn't: an object fetched alone, a page that
didn't select the field. strawberry's resolver wrapper (an ``Info`` object, argument
conversion, the extension chain) costs more per call than the read it wraps, and a page runs
it once per item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLObjectType
from strawberry.schema.schema_converter import GraphQLCoreConverter

_KEY = "matchmaker.prefetched"


def prefetched(attribute: str) -> dict[str, str]:
    """Field metadata: the object's ``attribute``, when not None, is the field's value."""
    return {_KEY: attribute}


def _attribute_first(attribute: str, resolve: Callable[..., Any]) -> Callable[..., Any]:
    def resolve_prefetched(source: Any, info: Any, **kwargs: Any) -> Any:
        value = getattr(source, attribute)
        return resolve(source, info, **kwargs) if value is None else value

    return resolve_prefetched


def install(schema: strawberry.Schema) -> list[str]:
    """Give every field marked :func:`prefetched` its attribute-first resolver; returns them
    as ``Type.field`` (the schema build checks the marks are where they are meant to be)."""
    installed: list[str] = []
    for gql_type in schema._schema.type_map.values():
        if not isinstance(gql_type, GraphQLObjectType):
            continue
        for name, field in gql_type.fields.items():
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            attribute = getattr(definition, "metadata", None) or {}
            if _KEY in attribute and field.resolve is not None:
                field.resolve = _attribute_first(attribute[_KEY], field.resolve)
                installed.append(f"{gql_type.name}.{name}")
    return sorted(installed)
