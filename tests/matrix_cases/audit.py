"""Matrix cases for acknowledging an audit-chain alarm (platform admins and auditors)."""

from __future__ import annotations

from matchmaker import clock
from matchmaker.models import OutboxJob
from matchmaker.models.enums import JobStatus, Role
from tests.matrix import ROLES, MatrixEnv, case, payload_outcome

ACK = """mutation($i: AcknowledgeAuditAlarmInput!) {
  acknowledgeAuditAlarm(input: $i) { alarm { firstBrokenId } errors { code } } }"""


async def _acknowledge(env: MatrixEnv, role):
    # A failed nightly verification: the alarm that stands until someone acknowledges it.
    now = clock.now()
    env.session.add(
        OutboxJob(
            name="verify_audit_chain",
            args={},
            status=JobStatus.DONE,
            attempts=1,
            max_attempts=5,
            run_at=now,
            finished_at=now,
            result={"ok": False, "checked": 3, "first_broken_id": 2, "reason": "x"},
        )
    )
    await env.session.commit()
    body = await env.gql(ACK, {"i": {"note": "已核查"}}, token=env.token(role), expect_errors=True)
    return payload_outcome(body, "acknowledgeAuditAlarm")


case("acknowledgeAuditAlarm", [Role.PLATFORM_ADMIN, Role.AUDITOR], allowed=True)(_acknowledge)
case(
    "acknowledgeAuditAlarm",
    [r for r in ROLES if r not in (Role.PLATFORM_ADMIN, Role.AUDITOR)],
    allowed=False,
)(_acknowledge)
