"""Matrix cases for running maintenance jobs on demand (platform admins only)."""

from __future__ import annotations

from matchmaker.models.enums import Role
from tests.matrix import ROLES, MatrixEnv, case, payload_outcome

ALL_BUT_ADMIN = [r for r in ROLES if r is not Role.PLATFORM_ADMIN]

RUN = "mutation($i: RunJobInput!) { runJob(input: $i) { job { status } errors { code } } }"


async def _run_job(env: MatrixEnv, role):
    body = await env.gql(
        RUN, {"i": {"name": "verify_audit_chain"}}, token=env.token(role), expect_errors=True
    )
    return payload_outcome(body, "runJob")


case("runJob", [Role.PLATFORM_ADMIN], allowed=True)(_run_job)
case("runJob", ALL_BUT_ADMIN, allowed=False)(_run_job)
