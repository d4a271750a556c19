"""Relay plumbing: global ids, the Node interface, connections built from service pages."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Generic, TypeVar

import strawberry

from matchmaker.services.errors import DomainError, ErrorCode
from matchmaker.services.pagination import Page, encode_cursor

T = TypeVar("T")

#: typename → coroutine(info, pk) returning the object if the caller may see it, else None.
NODE_RESOLVERS: dict[str, Callable[[Any, int], Awaitable[Any]]] = {}


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, int]:
    try:
        type_name, pk = base64.urlsafe_b64decode(global_id.encode()).decode().split(":", 1)
        return type_name, int(pk)
    except (ValueError, UnicodeDecodeError):
        raise DomainError(ErrorCode.INVALID_INPUT, "Malformed id", "id") from None


def decode_id(global_id: strawberry.ID | str, expected: str, field: str = "id") -> int:
    type_name, pk = from_global_id(str(global_id))
    if type_name != expected:
        raise DomainError(ErrorCode.INVALID_INPUT, f"Expected a {expected} id", field)
    return pk


def gid(global_id: strawberry.ID | str, type_name: str, field: str) -> int:
    """The primary key in a global id of ``type_name``; INVALID_INPUT on ``field`` otherwise.

    Call it inside a mutation's action (or a service call) so the refusal is a typed error.
    """
    return decode_id(global_id, type_name, field)


def opt_gid(global_id: strawberry.ID | str | None, type_name: str, field: str) -> int | None:
    """:func:`gid` of an optional argument: absent (``None`` or ``""``) is ``None``."""
    return decode_id(global_id, type_name, field) if global_id else None


def gids(global_ids: Iterable[strawberry.ID | str], type_name: str, field: str) -> list[int]:
    """:func:`gid` of each id of a list argument."""
    return [decode_id(g, type_name, field) for g in global_ids]


def node_resolver(type_name: str) -> Callable[[Callable[[Any, int], Awaitable[Any]]], Any]:
    def register(fn: Callable[[Any, int], Awaitable[Any]]) -> Any:
        NODE_RESOLVERS[type_name] = fn
        return fn

    return register


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    pk: strawberry.Private[int]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id(self.__strawberry_definition__.name, self.pk))  # type: ignore[attr-defined]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]


def connection(page: Page[Any], convert: Callable[[Any], T]) -> Connection[T]:
    return Connection(
        edges=[
            Edge(cursor=encode_cursor(key), node=convert(item))
            for key, item in zip(page.keys, page.items, strict=True)
        ],
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.start_cursor,
            end_cursor=page.end_cursor,
        ),
    )


def selected_node_fields(info: Any) -> set[str]:
    """Field names the query selects on a connection's nodes (``edges { node {…} }``/``nodes``).

    Connection resolvers use it to prefetch, for the whole page at once, only what was asked.
    Fragments are followed one level, which covers how clients write list queries.
    """
    from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

    def names(selections: list[Any]) -> list[Any]:
        out: list[Any] = []
        for sel in selections:
            if isinstance(sel, SelectedField):
                out.append(sel)
            elif isinstance(sel, InlineFragment | FragmentSpread):
                out.extend(names(sel.selections))
        return out

    wanted: set[str] = set()
    for root in info.selected_fields:
        for field in names(root.selections):
            if field.name == "nodes":
                wanted |= {f.name for f in names(field.selections)}
            elif field.name == "edges":
                for sub in names(field.selections):
                    if sub.name == "node":
                        wanted |= {f.name for f in names(sub.selections)}
    return wanted
