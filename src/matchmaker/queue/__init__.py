"""The job queue: the outbox, the registry of job functions, the relay, the runner, the worker.

A job is scheduled by writing an :class:`~matchmaker.models.OutboxJob` row in the same
transaction as the change that causes it (:func:`schedule`). With Redis configured, a relay
hands due rows to arq and ``matchmaker worker`` runs them; without it, the app runs them
in-process. Either way :func:`matchmaker.queue.runner.execute` runs the job function and marks
the row ``DONE`` in one transaction, so a job delivered twice has the effect of one run.

This package is machinery only: it imports models and the database, never services. Services
schedule jobs through :func:`schedule`; the job functions live in ``matchmaker.jobs`` and import
services, so neither package loops through the other (docs/architecture.md, "Jobs").
"""

from matchmaker.queue.outbox import schedule
from matchmaker.queue.registry import JOBS, job

__all__ = ["JOBS", "job", "schedule"]
