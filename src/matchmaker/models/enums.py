"""Enumerations of the domain (docs/domain.md). Stored by name."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COMMUNITY_STAFF = "COMMUNITY_STAFF"
    ORG_ADMIN = "ORG_ADMIN"
    SOCIAL_WORKER = "SOCIAL_WORKER"
    VOLUNTEER = "VOLUNTEER"
    BUREAU_OFFICER = "BUREAU_OFFICER"
    AUDITOR = "AUDITOR"
    EXPERT = "EXPERT"
    PLATFORM_ADMIN = "PLATFORM_ADMIN"


class AccountStatus(StrEnum):
    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"


class RegionLevel(StrEnum):
    PROVINCE = "PROVINCE"
    CITY = "CITY"
    DISTRICT = "DISTRICT"
    STREET = "STREET"
    COMMUNITY = "COMMUNITY"
    GRID = "GRID"


class ServiceCategory(StrEnum):
    ELDERLY = "ELDERLY"  # 为老服务
    CHILDREN_YOUTH = "CHILDREN_YOUTH"  # 青少年儿童
    DISABILITY = "DISABILITY"  # 助残
    FAMILY = "FAMILY"  # 家庭
    COMMUNITY_INTEGRATION = "COMMUNITY_INTEGRATION"  # 社区融入
    REHABILITATION = "REHABILITATION"  # 社区康复
    EMPLOYMENT = "EMPLOYMENT"  # 就业帮扶
    PSYCHOLOGICAL = "PSYCHOLOGICAL"  # 心理疏导
    HARDSHIP_RELIEF = "HARDSHIP_RELIEF"  # 困难救助
    DISPUTE_MEDIATION = "DISPUTE_MEDIATION"  # 矛盾调解
    CULTURE_SPORT = "CULTURE_SPORT"  # 文体
    ENVIRONMENT = "ENVIRONMENT"  # 环境
    OTHER = "OTHER"


class OrganizationKind(StrEnum):
    REGISTERED = "REGISTERED"  # 登记
    FILED = "FILED"  # 备案 with the street


class WorkerLevel(StrEnum):
    NONE = "NONE"
    ASSISTANT = "ASSISTANT"  # 助理社会工作师
    SOCIAL_WORKER = "SOCIAL_WORKER"  # 社会工作师
    SENIOR = "SENIOR"  # 高级社会工作师

    @property
    def rank(self) -> int:
        return list(WorkerLevel).index(self)


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


class DaySlot(StrEnum):
    """A part of the day in a volunteer's weekly availability (bit ``day * 3 + position``)."""

    MORNING = "MORNING"
    AFTERNOON = "AFTERNOON"
    EVENING = "EVENING"

    @property
    def position(self) -> int:
        return list(DaySlot).index(self)
