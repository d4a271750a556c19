"""Oversight: spending figures, the audit rules, the scan and its findings (docs/oversight.md)."""

# The rules about ties, patterns and double counting register themselves on import (they
# import rules.py first, so its own rules keep their place ahead of them).
from matchmaker.services.oversight import rules_more  # noqa: F401
from matchmaker.services.oversight.findings import (
    ScanResult,
    decide,
    finding_priority,
    findings_statement,
    get_finding,
    region_path_in_scope,
    request_scan,
    scan,
    schedule_scan,
)
from matchmaker.services.oversight.rules import RULES, Hit, Rule, priority
from matchmaker.services.oversight.summary import SpendingSummary, spending_summary

__all__ = [
    "RULES",
    "Hit",
    "Rule",
    "ScanResult",
    "SpendingSummary",
    "decide",
    "finding_priority",
    "findings_statement",
    "get_finding",
    "priority",
    "region_path_in_scope",
    "request_scan",
    "scan",
    "schedule_scan",
    "spending_summary",
]
