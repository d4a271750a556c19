"""The job functions, one module per domain; ``matchmaker.jobs.tasks`` registers them all.

Each job builds its service context with :func:`matchmaker.jobs.context.service_context`: one
actor (the platform itself) and the request id ``job:<id>``, so the audit rows a job writes
name the job. The queue machinery (outbox, registry, relay, runner, worker) is
``matchmaker.queue``.
"""
