from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate
from matchmaker.services import audit as audit_service


@strawberry.input
class AcknowledgeAuditAlarmInput:
    note: str = strawberry.field(
        description="What was found and done about it (1 to 500 characters); kept in the log."
    )


@strawberry.type(description="The failed verification that was acknowledged.")
class AuditAlarm:
    first_broken_id: int | None
    reason: str | None


@strawberry.type
class AcknowledgeAuditAlarmPayload(Payload):
    alarm: AuditAlarm | None = None

    @classmethod
    async def of(cls, info: Info, alarm: audit_service.Alarm) -> AcknowledgeAuditAlarmPayload:
        return cls(alarm=AuditAlarm(first_broken_id=alarm.first_broken_id, reason=alarm.reason))


@strawberry.type
class AuditMutations:
    @strawberry.mutation(
        description="Acknowledge a failed audit-chain verification (platform admins, auditors): "
        "until then every verification reports it; afterwards verification resumes from the "
        "current head. See docs/architecture.md, 'Audit log'."
    )
    async def acknowledge_audit_alarm(
        self, info: Info, input: AcknowledgeAuditAlarmInput
    ) -> AcknowledgeAuditAlarmPayload:
        return await mutate(
            info,
            AcknowledgeAuditAlarmPayload,
            lambda sc: audit_service.acknowledge_alarm(sc, note=input.note),
        )
