"""Scalars whose parsing refuses what the services can't store (docs/security.md).

A wrong value here is a GraphQL error with ``extensions.code = INVALID_INPUT`` naming the
variable, before any resolver runs, instead of a masked server error later.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from graphql import GraphQLError

INVALID = {"code": "INVALID_INPUT"}


def parse_aware_datetime(value: Any) -> dt.datetime:
    """ISO 8601 with an offset; a naive time can't be compared with stored (UTC) times."""
    if not isinstance(value, str):
        raise GraphQLError("DateTime is an ISO 8601 string", extensions=INVALID)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise GraphQLError(
            f"{value!r} is not an ISO 8601 date and time", extensions=INVALID
        ) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise GraphQLError(
            "A DateTime needs a time zone offset, e.g. 2026-05-01T08:00:00+08:00",
            extensions=INVALID,
        )
    return parsed


#: Same name and description as strawberry's DateTime (the SDL doesn't change); stricter parse.
AWARE_DATETIME = strawberry.scalar(
    name="DateTime",
    description="Date with time (isoformat)",
    serialize=lambda value: value.isoformat(),
    parse_value=parse_aware_datetime,
)
