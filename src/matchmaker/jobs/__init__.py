"""Background jobs: the outbox, the registry of job functions, the relay and the runners.

A job is scheduled by writing an :class:`~matchmaker.models.OutboxJob` row in the same
transaction as the change that causes it (:func:`schedule`). With Redis configured, a relay
hands due rows to arq and ``matchmaker worker`` runs them; without it, the app runs them
in-process. Either way :func:`matchmaker.jobs.runner.execute` runs the job function and marks
the row ``DONE`` in one transaction, so a job delivered twice has the effect of one run.
"""

from matchmaker.jobs.outbox import schedule
from matchmaker.jobs.registry import JOBS, job

__all__ = ["JOBS", "job", "schedule"]
