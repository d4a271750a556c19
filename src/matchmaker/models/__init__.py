"""ORM models, one module per domain. Importing this package registers every table."""

from matchmaker.models.accounts import Account, AuthSession, LoginFailure, RoleGrant
from matchmaker.models.audit import AuditEvent
from matchmaker.models.jobs import OutboxJob
from matchmaker.models.matching import (
    MatchImpression,
    MatchImpressionItem,
    MatchingModel,
    OrganizationInvitation,
    VolunteerInvitation,
)
from matchmaker.models.micro_wishes import MicroWish
from matchmaker.models.notifications import Notification
from matchmaker.models.organizations import (
    Organization,
    SocialWorker,
    SocialWorkerMembership,
    organization_service_regions,
)
from matchmaker.models.oversight import Finding
from matchmaker.models.procurement import (
    Bid,
    BidTeamMember,
    Contract,
    EvaluationCriterion,
    Evaluator,
    EvidenceFile,
    Milestone,
    Need,
    Payment,
    PerformanceEvaluation,
    ProgressReport,
    Project,
    ProjectNeed,
    ReportBeneficiary,
    Score,
)
from matchmaker.models.regions import Region
from matchmaker.models.volunteering import (
    Activity,
    Attendance,
    Certificate,
    HoursDispute,
    ServiceRecord,
    Shift,
    Signup,
    VolunteerTotalChange,
)
from matchmaker.models.volunteers import TeamMembership, Volunteer, VolunteerTeam

__all__ = [
    "Account",
    "Activity",
    "Attendance",
    "AuditEvent",
    "AuthSession",
    "Bid",
    "BidTeamMember",
    "Certificate",
    "Contract",
    "EvaluationCriterion",
    "Evaluator",
    "EvidenceFile",
    "Finding",
    "HoursDispute",
    "LoginFailure",
    "MatchImpression",
    "MatchImpressionItem",
    "MatchingModel",
    "MicroWish",
    "Milestone",
    "Need",
    "Notification",
    "Organization",
    "OrganizationInvitation",
    "OutboxJob",
    "Payment",
    "PerformanceEvaluation",
    "ProgressReport",
    "Project",
    "ProjectNeed",
    "Region",
    "ReportBeneficiary",
    "RoleGrant",
    "Score",
    "ServiceRecord",
    "Shift",
    "Signup",
    "SocialWorker",
    "SocialWorkerMembership",
    "TeamMembership",
    "Volunteer",
    "VolunteerInvitation",
    "VolunteerTeam",
    "VolunteerTotalChange",
    "organization_service_regions",
]
