"""The one service context every job acts in."""

from __future__ import annotations

from matchmaker.queue.registry import JobContext
from matchmaker.services.authz import SYSTEM, Actor
from matchmaker.services.context import ServiceContext


def service_context(ctx: JobContext, actor: Actor = SYSTEM) -> ServiceContext:
    """The job's service context: the platform itself (no account, the platform's reach) unless
    the job acts for someone (an export runs in its requester's scope), and the request id
    ``job:<id>``, so every audit row the job writes names the job that wrote it."""
    return ServiceContext(
        session=ctx.session, actor=actor, settings=ctx.settings, request_id=f"job:{ctx.job_id}"
    )
