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
    "organizations": C.ORGANIZATION_READ,
    "socialWorkers": C.SOCIAL_WORKER_READ,
    "myOrganizations": None,  # the caller's own organizations, from their grants
    "myStaffInvitations": None,  # invitations to the caller's own social-worker profile
    "myNotifications": None,  # the caller's own, login required
    "unreadNotificationCount": None,
    "workbench": None,  # the caller's own work; each section scoped by its role (docs/workbench.md)
    # volunteering (docs/volunteering.md)
    # micro-wishes (docs/micro_wishes.md)
    "microWishes": C.MICRO_WISH_READ,
    "myMicroWishClaims": C.MICRO_WISH_CLAIM,
    "recentMicroWishResults": C.MICRO_WISH_READ,
    "microWishCounts": C.OVERSIGHT_READ,
    "recommendedWishClaimers": C.MICRO_WISH_MANAGE,
    "recommendedMicroWishes": C.VOLUNTEERING_PARTICIPATE,
    "activities": C.ACTIVITY_READ,
    "shiftCheckinCode": C.ACTIVITY_MANAGE,
    "shiftRoster": C.HOURS_READ,
    "mySignups": C.VOLUNTEERING_PARTICIPATE,
    "serviceRecords": C.HOURS_READ,
    "hoursDisputes": C.HOURS_READ,
    "certificates": C.CERTIFICATE_READ,
    "verifyCertificate": C.CERTIFICATE_VERIFY,
    "myVolunteerProfile": None,  # the caller's own profile, or null
    "volunteers": C.VOLUNTEER_READ,
    "volunteerTeams": C.TEAM_READ,
    "myTeamMemberships": C.VOLUNTEERING_PARTICIPATE,
    # procurement (docs/procurement.md)
    "publishedProjects": C.PROJECT_READ,
    "awardAnnouncements": C.PROJECT_READ,
    "projectPipeline": C.PROJECT_PIPELINE_READ,
    "openProjectsForOrganization": C.BID_SUBMIT,
    "needs": C.NEED_READ,
    "bids": C.BID_READ,  # sealed fields: services.bids.may_read_sealed
    "evaluatorCandidates": C.EVALUATOR_ASSIGN,
    "myEvaluations": C.EVALUATE,  # the caller's own panels, in their regions
    "contracts": C.CONTRACT_READ,
    "payments": C.CONTRACT_READ,
    "progressReports": C.CONTRACT_READ,
    "trackRecord": C.TRACK_RECORD_READ,
    # matching (docs/matching.md)
    "recommendedVolunteers": C.ACTIVITY_MANAGE,  # and only for a shift the caller organizes
    "recommendedShifts": C.VOLUNTEERING_PARTICIPATE,  # the caller's own feed
    "myVolunteerInvitations": C.VOLUNTEERING_PARTICIPATE,
    "shiftInvitations": C.ACTIVITY_MANAGE,  # the shift's organizer
    "matchingModels": C.MATCHING_MANAGE,
    # procurement matching: project scope in services.matching.procurement
    "recommendedOrganizations": C.ORGANIZATION_INVITE,  # a project in the caller's regions
    "projectInvitations": C.ORGANIZATION_INVITE,
    "recommendedProjects": C.BID_SUBMIT,  # the caller's own organization
    "recommendedSocialWorkers": C.BID_SUBMIT,  # its own staff; the project open or run by it
    # oversight (docs/oversight.md): region scope in services.oversight
    "spendingSummary": C.OVERSIGHT_READ,
    "findings": C.FINDING_READ,
    "spendingProjects": C.OVERSIGHT_READ,
    "evidenceChain": C.OVERSIGHT_READ,
    # mutations
    # volunteering (docs/volunteering.md)
    "createActivity": C.ACTIVITY_MANAGE,
    "addShift": C.ACTIVITY_MANAGE,
    "cancelActivity": C.ACTIVITY_MANAGE,
    "setNoShow": C.ACTIVITY_MANAGE,
    "checkOutRoster": C.ACTIVITY_MANAGE,
    "markAttended": C.ACTIVITY_MANAGE,
    "recordMicroWish": C.MICRO_WISH_MANAGE,
    "withdrawMicroWish": C.MICRO_WISH_MANAGE,
    "confirmMicroWish": C.MICRO_WISH_MANAGE,
    "returnMicroWishFulfilment": C.MICRO_WISH_MANAGE,
    "escalateMicroWish": C.MICRO_WISH_MANAGE,
    "claimMicroWish": C.MICRO_WISH_CLAIM,
    "releaseMicroWish": C.MICRO_WISH_CLAIM,
    "reportMicroWishFulfilment": C.MICRO_WISH_CLAIM,
    "signUp": C.VOLUNTEERING_PARTICIPATE,
    "cancelSignup": C.VOLUNTEERING_PARTICIPATE,
    "acceptSignupOffer": C.VOLUNTEERING_PARTICIPATE,
    "checkIn": C.VOLUNTEERING_PARTICIPATE,
    "checkOut": C.VOLUNTEERING_PARTICIPATE,
    "submitServiceRecord": C.VOLUNTEERING_PARTICIPATE,
    "updateServiceRecord": C.VOLUNTEERING_PARTICIPATE,
    "disputeServiceRecord": C.VOLUNTEERING_PARTICIPATE,
    "approveServiceRecords": C.HOURS_APPROVE,
    "rejectServiceRecords": C.HOURS_APPROVE,
    "correctServiceRecord": C.HOURS_APPROVE,
    "resolveHoursDispute": C.HOURS_APPROVE,
    "requestCertificate": C.CERTIFICATE_REQUEST,
    "revokeCertificate": C.CERTIFICATE_REVOKE,
    # procurement (docs/procurement.md)
    "recordNeed": C.NEED_MANAGE,
    "createProject": C.PROJECT_MANAGE,
    "updateProject": C.PROJECT_MANAGE,
    "submitProject": C.PROJECT_MANAGE,
    "publishProject": C.PROJECT_MANAGE,
    "approveProject": C.PROJECT_APPROVE,
    "returnProject": C.PROJECT_APPROVE,
    "republishProject": C.PROJECT_APPROVE,
    "cancelProject": C.PROJECT_APPROVE,
    "openBids": C.PROJECT_APPROVE,
    "submitBid": C.BID_SUBMIT,
    "withdrawBid": C.BID_SUBMIT,
    "assignEvaluator": C.EVALUATOR_ASSIGN,
    "removeEvaluator": C.EVALUATOR_ASSIGN,
    "submitScores": C.EVALUATE,
    "confirmAward": C.AWARD_CONFIRM,
    "createContract": C.CONTRACT_MANAGE,
    "completeProject": C.CONTRACT_MANAGE,
    "recordPayment": C.PAYMENT_RECORD,
    "submitProgressReport": C.REPORT_SUBMIT,
    "acceptProgressReport": C.REPORT_REVIEW,
    "returnProgressReport": C.REPORT_REVIEW,
    "evaluatePerformance": C.PERFORMANCE_EVALUATE,
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
    "createOrganization": C.ORGANIZATION_CREATE,
    "updateOrganization": C.ORGANIZATION_UPDATE,
    "setOrganizationActive": C.ORGANIZATION_DEACTIVATE,
    "createSocialWorker": C.ORGANIZATION_STAFF_MANAGE,
    "addStaffMember": C.ORGANIZATION_STAFF_MANAGE,
    "removeStaffMember": C.ORGANIZATION_STAFF_MANAGE,
    "updateSocialWorker": C.SOCIAL_WORKER_MANAGE,
    "setSocialWorkerActive": C.SOCIAL_WORKER_MANAGE,
    "setSocialWorkerQualification": C.SOCIAL_WORKER_QUALIFY,
    "acceptStaffInvitation": None,  # the invited worker's own answer, login required
    "declineStaffInvitation": None,
    "markNotificationsRead": None,
    "runJob": C.JOB_RUN,
    "acknowledgeAuditAlarm": C.AUDIT_VERIFY,
    "decideFinding": C.FINDING_DECIDE,
    "runAuditScan": C.AUDIT_SCAN_RUN,
    # findings exports need finding.read too (checked in the service)
    "requestOversightExport": C.OVERSIGHT_READ,
    "registerVolunteer": None,  # public self-registration
    "becomeVolunteer": None,  # any logged-in account without a volunteer profile
    "updateVolunteerProfile": C.VOLUNTEER_UPDATE,
    "setVolunteerActive": C.VOLUNTEER_DEACTIVATE,
    "createVolunteerTeam": C.TEAM_MANAGE,
    "updateVolunteerTeam": C.TEAM_MANAGE,
    "setVolunteerTeamActive": C.TEAM_MANAGE,
    "inviteVolunteerTeamMember": C.TEAM_MANAGE,
    "rotateVolunteerTeamJoinCode": C.TEAM_MANAGE,
    "removeVolunteerTeamMember": C.TEAM_MANAGE,
    "respondToTeamInvitation": C.VOLUNTEERING_PARTICIPATE,
    "joinVolunteerTeam": C.VOLUNTEERING_PARTICIPATE,
    "leaveVolunteerTeam": C.VOLUNTEERING_PARTICIPATE,
    # matching (docs/matching.md)
    "inviteVolunteers": C.ACTIVITY_MANAGE,  # the shift's organizer
    "respondToVolunteerInvitation": C.VOLUNTEERING_PARTICIPATE,  # the invited volunteer
    "trainMatchingModels": C.MATCHING_MANAGE,
    "promoteMatchingModel": C.MATCHING_MANAGE,
    "rollbackMatchingModel": C.MATCHING_MANAGE,
    "inviteOrganizations": C.ORGANIZATION_INVITE,  # a project open for bids, in region
}
