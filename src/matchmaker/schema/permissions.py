"""Which capability guards each root field of the API.

The services enforce the capabilities (``services/authz.py``); this table documents which one
each GraphQL operation needs, generates ``docs/permissions.md``, and drives the matrix tests.
A test fails when a root field is missing here, so a new operation can't skip the review.
``None`` means the field is open to anyone (public data, or the caller's own session).
"""

from __future__ import annotations

from matchmaker.services.authz import Capability

C = Capability

OPERATIONS: dict[str, Capability | None] = {
    # queries
    "node": None,  # resolves through the owning type's scoped lookup
    "me": None,
    "accounts": C.ACCOUNT_MANAGE,
    "regions": C.REGION_READ,
    "regionByCode": C.REGION_READ,
    "auditEvents": C.AUDIT_READ,
    "verifyAuditChain": C.AUDIT_VERIFY,
    "jobs": C.JOB_READ,
    "job": C.JOB_READ,
    "myNotifications": None,  # the caller's own, login required
    "unreadNotificationCount": None,
    # mutations
    "login": None,
    "logout": None,
    "changePassword": None,
    "createAccount": C.ACCOUNT_MANAGE,
    "setAccountStatus": C.ACCOUNT_MANAGE,
    "grantRole": C.ROLE_GRANT_MANAGE,
    "revokeRole": C.ROLE_GRANT_MANAGE,
    "createRegion": C.REGION_MANAGE,
    "renameRegion": C.REGION_MANAGE,
    "importRegions": C.REGION_MANAGE,
    "markNotificationsRead": None,
    "runJob": C.JOB_RUN,
}
