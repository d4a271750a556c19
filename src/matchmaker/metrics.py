"""Prometheus metrics, in a registry of our own so tests can build several apps.

Outside `web/`: the GraphQL error policy (`schema/errors.py`) and the job relay count here too.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry()

HTTP_REQUESTS = Counter(
    "matchmaker_http_requests_total",
    "HTTP requests by route and status",
    ["route", "status"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "matchmaker_http_request_seconds",
    "HTTP request latency by route",
    ["route"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
GRAPHQL_ERRORS = Counter(
    "matchmaker_graphql_unexpected_errors_total",
    "GraphQL responses with a masked (unexpected) error",
    registry=REGISTRY,
)
JOBS_RELAYED = Counter(
    "matchmaker_jobs_relayed_total", "Outbox rows handed to arq", registry=REGISTRY
)
