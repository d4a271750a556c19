"""Request limits as validation rules built once.

strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` build a new rule class per
instance; with extensions created per request, the rule set differs on every request and the
validation cache (keyed by the rules) never hits. Building the rule classes once here keeps
validation cached for repeated queries, and the limits still apply to every document.
"""

from __future__ import annotations

from graphql import ASTValidationRule
from strawberry.extensions import AddValidationRules
from strawberry.extensions.max_aliases import create_validator as aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5000

_RULES: list[type[ASTValidationRule]] = [
    depth_validator(MAX_DEPTH, None, None),
    aliases_validator(MAX_ALIASES),
]


class RequestLimits(AddValidationRules):
    """Depth and alias limits (the token limit is applied by the parser: MaxTokensLimiter)."""

    def __init__(self) -> None:
        super().__init__(_RULES)
