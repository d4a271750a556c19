"""audit rows are append-only; keyed chain head; job give-up

Revision ID: 0003_audit_hardening
Revises: 0002_team_invitations
Create Date: 2026-12-04 14:35:00+00:00

The database refuses UPDATE and DELETE on ``audit_events``. The statements mirror the DDL
listeners of ``matchmaker.models.audit`` (tests create tables with ``metadata.create_all``),
copied here so this revision keeps meaning what it meant when the model changes. Job errors
recorded before they were sanitised that carry SQL are replaced (not restored on downgrade).
The keyed chain head and the job give-up need no schema change (they live in job results and
notifications).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op

revision: str = "0003_audit_hardening"
down_revision: str | None = "0002_team_invitations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MESSAGE = "audit_events is append-only"

_PG_UP = (
    f"""CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END
$$""",
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
)
_PG_DOWN = (
    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_append_only()",
)
_SQLITE_UP = tuple(
    f"CREATE TRIGGER audit_events_no_{op_name.lower()} BEFORE {op_name} ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
    for op_name in ("UPDATE", "DELETE")
)
_SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
)


def _statements(pg: Sequence[str], sqlite: Sequence[str]) -> Sequence[str]:
    return pg if op.get_bind().dialect.name == "postgresql" else sqlite


def upgrade() -> None:
    for statement in _statements(_PG_UP, _SQLITE_UP):
        op.execute(statement)
    # Job errors kept before they were sanitised may hold SQL and its bound values: drop them
    # (jobs/runner.error_message keeps the type and the first line from now on).
    op.execute(
        "UPDATE outbox_jobs SET last_error = 'Error text removed: recorded before errors were "
        "sanitised' WHERE last_error LIKE '%[SQL:%' OR last_error LIKE '%[parameters:%'"
    )


def downgrade() -> None:
    for statement in _statements(_PG_DOWN, _SQLITE_DOWN):
        op.execute(statement)
