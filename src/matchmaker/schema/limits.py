"""Request limits: document size, tokens, depth, aliases, cost, one login per document.

Every limit is described with its number in docs/security.md. The order matters:

1. the HTTP layer caps the body (``max_request_bytes``) and the document's length
   (:data:`MAX_DOCUMENT_CHARS`) before anything parses it;
2. every parse is bounded by :data:`MAX_TOKENS` (:func:`parse_bounded`);
3. validation applies depth, aliases and the one-login rule;
4. :class:`QueryCost` refuses a document whose lists could multiply into a huge answer, before
   anything executes.

Parsed documents and validation results are cached in bounded LRUs keyed by the SHA-256 of the
document (never by its text: a cache must not hold what a stranger sent in full).

strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` build a new rule class per
instance; with extensions created per request, the rule set would differ on every request and
the validation cache would never hit. Building the rule classes once here keeps validation
cached for repeated queries, and the limits still apply to every document.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    VariableNode,
    parse,
    validate,
)
from graphql.language import OperationType
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from matchmaker.services import activities, contracts, pagination, reports

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5000
#: Longest GraphQL document (characters), checked before parsing: the token limit alone lets a
#: single string literal of any length through. The front end's longest operation is ~1 KB.
MAX_DOCUMENT_CHARS = 50_000
#: Largest number of objects a document may ask for (see :func:`query_cost`): signed in, and
#: anonymous (public pages ask for a few hundred; the front end's largest screen, a page of 20
#: contracts with their milestones, reports and files, is about 58,000).
MAX_QUERY_COST = 100_000
MAX_QUERY_COST_ANONYMOUS = 10_000
#: A connection without ``first`` returns a default page (services/pagination.DEFAULT_PAGE).
DEFAULT_PAGE = pagination.DEFAULT_PAGE
MAX_PAGE = pagination.MAX_PAGE
#: An unpaginated list of objects counts as its domain cap where there is one, else as
#: DEFAULT_LIST_SIZE (a milestone's reports and payments, an organization's staff, …).
LIST_SIZES: dict[str, int] = {
    "Activity.shifts": activities.MAX_SHIFTS,
    "Contract.milestones": contracts.MAX_MILESTONES,
    "ProgressReport.files": reports.MAX_FILES,
}
DEFAULT_LIST_SIZE = 10
#: Operations that verify a password: one per document, so aliases can't multiply guesses.
PASSWORD_FIELDS = frozenset({"login", "changePassword"})

K = TypeVar("K")
V = TypeVar("V")


class BoundedLRU(Generic[K, V]):
    """A small thread-safe LRU (``functools.lru_cache`` would key by the full text)."""

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


def document_digest(document: str) -> bytes:
    return hashlib.sha256(document.encode("utf-8", "surrogatepass")).digest()


_PARSED: BoundedLRU[bytes, DocumentNode] = BoundedLRU(512)
_VALIDATED: BoundedLRU[tuple[Any, ...], list[GraphQLError]] = BoundedLRU(512)


def parse_bounded(document: str) -> DocumentNode:
    """Parse with the length and token limits; cached by digest. Raises GraphQLError."""
    if len(document) > MAX_DOCUMENT_CHARS:
        raise GraphQLError(
            f"The document is longer than {MAX_DOCUMENT_CHARS} characters.",
            extensions={"code": "DOCUMENT_TOO_LARGE"},
        )
    key = document_digest(document)
    cached = _PARSED.get(key)
    if cached is None:
        cached = parse(document, max_tokens=MAX_TOKENS, no_location=False)
        _PARSED.put(key, cached)
    return cached


def operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def is_query_only(document: str) -> bool:
    """True when every operation in the document is a query (too long or invalid: False)."""
    try:
        parsed = parse_bounded(document)
    except GraphQLError:
        return False
    return all(op.operation is OperationType.QUERY for op in operations(parsed))


# --- validation rules --------------------------------------------------------------------------


class OnePasswordCheckPerDocument(ASTValidationRule):
    """``login``/``changePassword`` at most once per document: aliases would otherwise turn
    one request into many password guesses (docs/security.md)."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.seen = 0

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        if node.operation is not OperationType.MUTATION:
            return
        for selection in node.selection_set.selections:
            if isinstance(selection, FieldNode) and selection.name.value in PASSWORD_FIELDS:
                self.seen += 1
                if self.seen > 1:
                    self.report_error(
                        GraphQLError(
                            "Only one login or changePassword per request.",
                            selection,
                            extensions={"code": "ONE_PASSWORD_CHECK_PER_REQUEST"},
                        )
                    )


_RULES: list[type[ASTValidationRule]] = [
    depth_validator(MAX_DEPTH, None, None),
    aliases_validator(MAX_ALIASES),
    OnePasswordCheckPerDocument,
]

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def without_suggestions(message: str) -> str:
    """Strip graphql-core's "Did you mean …?" (it names fields, types and enum values)."""
    return _SUGGESTION.sub("", message)


# --- query cost --------------------------------------------------------------------------------


def _named(type_: Any) -> tuple[GraphQLNamedType, bool]:
    """The named type and whether a list wraps it."""
    is_list = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        if isinstance(type_, GraphQLList):
            is_list = True
        type_ = type_.of_type
    return type_, is_list


def _first(node: FieldNode, variables: Mapping[str, Any]) -> int | None:
    for arg in node.arguments or ():
        if arg.name.value != "first":
            continue
        value = arg.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            return given if isinstance(given, int) else None
        return None
    return None


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> int:
    """How many objects the operation could return at most.

    Every object field counts 1, times how many of it its parent may hold. A connection (a
    field with a ``first`` argument) holds ``first`` items (a default page without it, capped
    at the largest page); its ``edges``/``nodes`` lists don't multiply again. Any other list
    of objects counts as :data:`DEFAULT_LIST_SIZE`. Scalars are free. So
    ``activities(first: 100) { nodes { shifts { activity { shifts { id } } } } }`` costs
    100 × (1 + 50 × (1 + 1 × (1 + 50))) = 260,100 (the connection's own ``nodes`` list
    doesn't multiply again).
    """
    variables = variables or {}
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    ops = operations(document)
    if operation_name is not None:
        ops = [op for op in ops if op.name is not None and op.name.value == operation_name]
    if not ops:
        return 0

    def fields(selection_set: SelectionSetNode | None, seen: frozenset[str]) -> Iterator[FieldNode]:
        for sel in selection_set.selections if selection_set else ():
            if isinstance(sel, FieldNode):
                yield sel
            elif isinstance(sel, InlineFragmentNode):
                yield from fields(sel.selection_set, seen)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in seen:
                    yield from fields(fragment.selection_set, seen | {name})

    def field_def(parent: GraphQLNamedType, name: str) -> Any:
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return parent.fields.get(name)
        if isinstance(parent, GraphQLUnionType):
            for member in parent.types:
                found = member.fields.get(name)
                if found is not None:
                    return found
        return None

    def cost(parent: GraphQLNamedType, selection_set: SelectionSetNode | None) -> int:
        total = 0
        for node in fields(selection_set, frozenset()):
            definition = field_def(parent, node.name.value)
            if definition is None or node.selection_set is None:
                continue  # scalars, __typename, unknown (validation reports those)
            child, is_list = _named(definition.type)
            if "first" in definition.args:
                first = _first(node, variables)
                multiplier = min(first if first is not None else DEFAULT_PAGE, MAX_PAGE)
                multiplier = max(multiplier, 0)
            elif is_list and parent.name.endswith("Connection"):
                multiplier = 1  # edges/nodes: already counted by the connection's `first`
            elif is_list:
                multiplier = LIST_SIZES.get(f"{parent.name}.{node.name.value}", DEFAULT_LIST_SIZE)
            else:
                multiplier = 1
            total += multiplier * (1 + cost(child, node.selection_set))
        return total

    roots = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }
    worst = 0
    for op in ops:
        root = roots[op.operation]
        if root is not None:
            worst = max(worst, cost(root, op.selection_set))
    return worst


class RequestLimits(SchemaExtension):
    """Parse, validate and cost-check every document within the limits above.

    Replaces strawberry's ``ParserCache``/``ValidationCache``/``MaxTokensLimiter``: the same
    caching, keyed by digest, with suggestions hidden in production.
    """

    def __init__(self, *, hide_suggestions: bool = False) -> None:
        self.hide_suggestions = hide_suggestions
        self._digest: bytes | None = None

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = MAX_TOKENS
        self.execution_context.validation_rules = (
            *self.execution_context.validation_rules,
            *_RULES,
        )
        yield

    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        query = ec.query
        # The HTTP layer refused documents over MAX_DOCUMENT_CHARS already (web/graphql.py).
        if query is not None and ec.graphql_document is None:
            self._digest = document_digest(query)
            cached = _PARSED.get(self._digest)
            if cached is not None:
                ec.graphql_document = cached
        yield
        if self._digest is not None and ec.graphql_document is not None:
            _PARSED.put(self._digest, ec.graphql_document)

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        document = ec.graphql_document
        if document is not None and ec.pre_execution_errors is None:
            schema = ec.schema._schema
            if self._digest is not None:
                key = (self._digest, id(schema), tuple(ec.validation_rules), self.hide_suggestions)
                errors = _VALIDATED.get(key)
                if errors is None:
                    errors = self._validate(schema, document, ec.validation_rules)
                    _VALIDATED.put(key, errors)
            else:
                errors = self._validate(schema, document, ec.validation_rules)
            if not errors:
                actor = getattr(ec.context, "actor", None)
                limit = (
                    MAX_QUERY_COST
                    if actor is not None and actor.is_authenticated
                    else MAX_QUERY_COST_ANONYMOUS
                )
                cost = query_cost(schema, document, ec.variables, ec.operation_name)
                if cost > limit:
                    errors = [
                        GraphQLError(
                            f"The query could return {cost} objects; the limit is "
                            f"{limit}. Ask for smaller pages or fewer nested lists.",
                            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost},
                        )
                    ]
            ec.pre_execution_errors = list(errors)
        yield

    def _validate(
        self, schema: GraphQLSchema, document: DocumentNode, rules: Any
    ) -> list[GraphQLError]:
        from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
        from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

        return list(
            validate(
                schema,
                document,
                (*rules, MaybeNullValidationRule, OneOfInputValidationRule),
                hide_suggestions=self.hide_suggestions,
            )
        )


# --- mutations per document ---------------------------------------------------------------------

#: Most mutation root fields one document may run (aliases and fragments included): every
#: mutation runs in the request's one transaction, so a document of many slow mutations would
#: hold its locks and connection for all of them (docs/security.md).
MAX_MUTATION_FIELDS = 10


class MutationFieldLimit(ASTValidationRule):
    """At most :data:`MAX_MUTATION_FIELDS` root fields per mutation operation."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        if node.operation is not OperationType.MUTATION:
            return
        count = self._count(node.selection_set, frozenset())
        if count > MAX_MUTATION_FIELDS:
            self.report_error(
                GraphQLError(
                    f"The document runs {count} mutations; at most {MAX_MUTATION_FIELDS} "
                    "per request.",
                    node,
                    extensions={"code": "TOO_MANY_MUTATIONS", "limit": MAX_MUTATION_FIELDS},
                )
            )

    def _count(self, selection_set: SelectionSetNode | None, seen: frozenset[str]) -> int:
        total = 0
        for sel in selection_set.selections if selection_set else ():
            if isinstance(sel, FieldNode):
                total += sel.name.value != "__typename"
            elif isinstance(sel, InlineFragmentNode):
                total += self._count(sel.selection_set, seen)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen:
                fragment = self.context.get_fragment(sel.name.value)
                if fragment is not None:
                    total += self._count(fragment.selection_set, seen | {sel.name.value})
        return total


_RULES.append(MutationFieldLimit)
