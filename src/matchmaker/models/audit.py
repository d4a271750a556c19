from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DDL, JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db.base import Base, TimestampMixin
from matchmaker.db.types import BigIntPK


class AuditEvent(TimestampMixin, Base):
    """Append-only record of a write. ``hash`` chains each row to the previous one.

    The database itself refuses UPDATE and DELETE on this table (triggers below, created with
    the table and by migration ``20261204_0003``): see docs/architecture.md, "Audit log".
    """

    __tablename__ = "audit_events"

    at: Mapped[dt.datetime]
    actor_account_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("accounts.id"), index=True
    )
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int | None] = mapped_column(BigIntPK)
    #: Region path of the subject, so auditors can be scoped without joining every domain.
    region_path: Mapped[str | None] = mapped_column(String(255))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# --- append-only guard ------------------------------------------------------------------------
# Row triggers refuse UPDATE and DELETE. TRUNCATE and DROP TABLE are not row operations: they
# need the table owner's privileges (test teardown uses them), and the keyed chain head catches
# a table emptied or rewritten that way (services/audit.py).

GUARD_MESSAGE = "audit_events is append-only"

PG_GUARD_FUNCTION = f"""CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{GUARD_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END
$$"""
PG_GUARD_TRIGGER = (
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
)
PG_GUARD_DROP = (
    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_append_only()",
)

SQLITE_GUARD_TRIGGERS = tuple(
    f"CREATE TRIGGER audit_events_no_{op.lower()} BEFORE {op} ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE}'); END"
    for op in ("UPDATE", "DELETE")
)
SQLITE_GUARD_DROP = (
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
)

for _statement in (PG_GUARD_FUNCTION, PG_GUARD_TRIGGER):
    event.listen(
        AuditEvent.__table__,
        "after_create",
        DDL(_statement).execute_if(dialect="postgresql"),  # type: ignore[no-untyped-call]
    )
for _statement in SQLITE_GUARD_TRIGGERS:
    event.listen(
        AuditEvent.__table__,
        "after_create",
        DDL(_statement).execute_if(dialect="sqlite"),  # type: ignore[no-untyped-call]
    )
