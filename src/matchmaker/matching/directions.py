"""The matching directions: their features (= the column order of X), stages and priors.

See docs/matching.md, "Directions and features". Every feature is oriented so that a higher
value is a better fit, hence ``monotonic=+1`` throughout (a gradient-boosted challenger may not
learn that a worse fit ranks higher).
"""

from __future__ import annotations

from dataclasses import dataclass

VOLUNTEERS_FOR_SHIFT = "VOLUNTEERS_FOR_SHIFT"
SHIFTS_FOR_VOLUNTEER = "SHIFTS_FOR_VOLUNTEER"
ORGANIZATIONS_FOR_PROJECT = "ORGANIZATIONS_FOR_PROJECT"
PROJECTS_FOR_ORGANIZATION = "PROJECTS_FOR_ORGANIZATION"
SOCIAL_WORKERS_FOR_PROJECT = "SOCIAL_WORKERS_FOR_PROJECT"
CLAIMERS_FOR_WISH = "CLAIMERS_FOR_WISH"
WISHES_FOR_VOLUNTEER = "WISHES_FOR_VOLUNTEER"

#: Reason codes (the API enum ``MatchReasonCode``).
REASON_CODES = (
    "DISTANCE",
    "TIME",
    "SKILLS",
    "INTEREST",
    "CATEGORY",
    "TEXT",
    "RELIABILITY",
    "FAMILIARITY",
    "LOAD",
    "QUALIFICATION",
    "EXPOSURE",
    "VACANCY",
    "COLD_START",
    "SMALL_ORGANIZATION",
)

#: Stage names, in order; the second is conditional on the first.
STAGES = ("engaged", "succeeded")


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """One column of X.

    ``template_zh`` is formatted with the per-row ``facts`` the service passes to
    :func:`matchmaker.matching.explain.reasons`; ``fallback_zh`` is used when those facts are
    missing.
    """

    name: str
    code: str
    prior_weight: float
    monotonic: int
    template_zh: str
    fallback_zh: str = ""


@dataclass(frozen=True, slots=True)
class DirectionSpec:
    name: str
    features: tuple[FeatureSpec, ...]
    stages: tuple[str, ...] = STAGES

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)

    def index(self, feature: str) -> int:
        return self.feature_names.index(feature)


def _volunteer_features() -> tuple[FeatureSpec, ...]:
    return (
        FeatureSpec("distance", "DISTANCE", 0.25, 1, "距离 {distance_km:.1f} 公里", "距离较近"),
        FeatureSpec("time", "TIME", 0.20, 1, "{slot_label}有空", "时间合适"),
        FeatureSpec("skills", "SKILLS", 0.15, 1, "具备所需技能：{skills_matched}", "无需特殊技能"),
        FeatureSpec("interest", "INTEREST", 0.10, 1, "关注{category_label}类活动", "符合服务意向"),
        FeatureSpec(
            "reliability",
            "RELIABILITY",
            0.10,
            1,
            "近 90 天出勤率 {attendance_rate:.0%}",
            "出勤可靠",
        ),
        FeatureSpec(
            "familiarity", "FAMILIARITY", 0.05, 1, "在本社区做过 {times_here} 次服务", "熟悉本社区"
        ),
        FeatureSpec(
            "load",
            "LOAD",
            0.05,
            1,
            "近 30 天服务 {recent_hours:.0f} 小时，负担不重",
            "近期负担不重",
        ),
        FeatureSpec(
            "exposure",
            "EXPOSURE",
            0.05,
            1,
            "近期邀请不多（近 7 天 {invitations_recent} 次）",
            "近期邀请不多",
        ),
        FeatureSpec("vacancy", "VACANCY", 0.05, 1, "还有 {places_left} 个名额", "名额充足"),
    )


def _organization_features() -> tuple[FeatureSpec, ...]:
    return (
        FeatureSpec(
            "category",
            "CATEGORY",
            0.25,
            1,
            "在{category_label}领域做过 {category_count} 个项目",
            "服务领域与项目相符",
        ),
        FeatureSpec("text", "TEXT", 0.15, 1, "项目内容与机构简介相近", "项目内容与机构简介相近"),
        FeatureSpec("distance", "DISTANCE", 0.10, 1, "距离 {distance_km:.1f} 公里", "距离较近"),
        FeatureSpec(
            "reliability", "RELIABILITY", 0.20, 1, "里程碑按时率 {punctuality:.0%}", "履约记录良好"
        ),
        FeatureSpec(
            "load", "LOAD", 0.05, 1, "在手合同 {active_contracts} 个，尚有余力", "当前负担适中"
        ),
        FeatureSpec(
            "qualification", "QUALIFICATION", 0.15, 1, "{grade_label}，资质符合", "资质符合要求"
        ),
        FeatureSpec(
            "familiarity", "FAMILIARITY", 0.05, 1, "在本区做过 {contracts_here} 个项目", "熟悉本区"
        ),
        FeatureSpec(
            "exposure",
            "EXPOSURE",
            0.05,
            1,
            "本月受邀 {invitations_month} 次，机会较少",
            "近期受邀不多",
        ),
    )


def _social_worker_features() -> tuple[FeatureSpec, ...]:
    return (
        FeatureSpec("specialty", "SKILLS", 0.30, 1, "专长匹配：{specialties_matched}", "专长匹配"),
        FeatureSpec("text", "TEXT", 0.15, 1, "经历与项目内容相近", "经历与项目内容相近"),
        FeatureSpec(
            "qualification", "QUALIFICATION", 0.20, 1, "{level_label}，登记有效", "资质符合要求"
        ),
        FeatureSpec(
            "load", "LOAD", 0.10, 1, "在手团队 {active_teams} 个，尚有余力", "当前负担适中"
        ),
        FeatureSpec(
            "familiarity", "FAMILIARITY", 0.05, 1, "在本区参与过 {projects_here} 个项目", "熟悉本区"
        ),
        FeatureSpec("distance", "DISTANCE", 0.10, 1, "距离 {distance_km:.1f} 公里", "距离较近"),
        FeatureSpec(
            "reliability",
            "RELIABILITY",
            0.10,
            1,
            "参与完成 {completed_projects} 个项目，评价良好",
            "履约记录良好",
        ),
    )


def _wish_features() -> tuple[FeatureSpec, ...]:
    """A micro-wish and who might claim it (a volunteer or a team): both wish directions."""
    return (
        FeatureSpec("distance", "DISTANCE", 0.30, 1, "距离 {distance_km:.1f} 公里", "距离较近"),
        FeatureSpec("interest", "INTEREST", 0.20, 1, "关注{category_label}类服务", "符合服务意向"),
        FeatureSpec(
            "reliability",
            "RELIABILITY",
            0.20,
            1,
            "认领的心愿已完成 {wishes_done} 个",
            "认领后能按时完成",
        ),
        FeatureSpec(
            "familiarity",
            "FAMILIARITY",
            0.10,
            1,
            "在本社区完成过 {times_here} 个心愿",
            "熟悉本社区",
        ),
        FeatureSpec("load", "LOAD", 0.10, 1, "手头认领 {held} 个心愿，尚有余力", "近期负担不重"),
        FeatureSpec("urgency", "TIME", 0.10, 1, "{days_left} 天内截止", "截止时间临近"),
    )


DIRECTIONS: dict[str, DirectionSpec] = {
    VOLUNTEERS_FOR_SHIFT: DirectionSpec(VOLUNTEERS_FOR_SHIFT, _volunteer_features()),
    SHIFTS_FOR_VOLUNTEER: DirectionSpec(SHIFTS_FOR_VOLUNTEER, _volunteer_features()),
    ORGANIZATIONS_FOR_PROJECT: DirectionSpec(ORGANIZATIONS_FOR_PROJECT, _organization_features()),
    PROJECTS_FOR_ORGANIZATION: DirectionSpec(PROJECTS_FOR_ORGANIZATION, _organization_features()),
    SOCIAL_WORKERS_FOR_PROJECT: DirectionSpec(
        SOCIAL_WORKERS_FOR_PROJECT, _social_worker_features()
    ),
    CLAIMERS_FOR_WISH: DirectionSpec(CLAIMERS_FOR_WISH, _wish_features()),
    WISHES_FOR_VOLUNTEER: DirectionSpec(WISHES_FOR_VOLUNTEER, _wish_features()),
}


def direction_spec(direction: str) -> DirectionSpec:
    """The spec of a direction, or a ``ValueError`` naming the known ones."""
    try:
        return DIRECTIONS[direction]
    except KeyError:
        raise ValueError(
            f"unknown matching direction {direction!r}; known: {', '.join(DIRECTIONS)}"
        ) from None
