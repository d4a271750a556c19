"""Feature functions of the matching core, each with worked numbers (docs/matching.md)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matchmaker.matching import directions, features
from matchmaker.matching.explain import reasons

NAN = float("nan")


def test_haversine_km_one_degree_of_latitude_is_111_km_and_missing_coordinates_are_nan():
    # 2π · 6371.0088 km / 360 = 111.195 km per degree along a meridian.
    d = features.haversine_km(
        [39.0, 39.9, NAN], [116.0, 116.4, 116.0], [40.0, 39.9, 40.0], [116.0, 116.4, 116.0]
    )
    assert d[0] == pytest.approx(111.195, abs=1e-3)
    assert d[1] == 0.0
    assert math.isnan(d[2])


def test_haversine_km_beijing_to_shanghai_is_about_1067_km():
    d = features.haversine_km(39.9042, 116.4074, 31.2304, 121.4737)
    assert float(d) == pytest.approx(1067.3, abs=1.0)


def test_distance_fit_falls_linearly_to_zero_at_the_limit_and_is_neutral_when_unknown():
    # max 10 km: 0 km → 1, 2.5 km → 0.75, 10 km → 0, 14 km → 0, unknown → 0.5
    fit = features.distance_fit([0.0, 2.5, 10.0, 14.0, NAN], 10.0)
    np.testing.assert_allclose(fit, [1.0, 0.75, 0.0, 0.0, 0.5])


def test_distance_fit_uses_each_rows_own_limit_and_a_zero_limit_accepts_only_zero_km():
    # 3 km with a 6 km limit → 0.5; 3 km with a 12 km limit → 0.75; limit 0: 0 km → 1, 1 km → 0
    fit = features.distance_fit([3.0, 3.0, 0.0, 1.0], [6.0, 12.0, 0.0, 0.0])
    np.testing.assert_allclose(fit, [0.5, 0.75, 1.0, 0.0])


def bit(day: int, slot: int) -> int:
    return 1 << (day * 3 + slot)


def test_slot_mask_maps_a_shift_to_every_slot_of_its_day_it_overlaps():
    saturday_morning = features.slot_mask(5, 9 * 60, 11 * 60)
    # Saturday 10:00–14:00 touches the morning and the afternoon.
    saturday_late_morning = features.slot_mask(5, 10 * 60, 14 * 60)
    # Sunday 20:00 to Monday 01:00 needs Sunday evening and Monday morning.
    overnight = features.slot_mask(6, 20 * 60, 25 * 60)
    assert int(saturday_morning) == bit(5, 0)
    assert int(saturday_late_morning) == bit(5, 0) | bit(5, 1)
    assert int(overnight) == bit(6, 2) | bit(0, 0)


def test_slot_mask_boundaries_a_shift_ending_at_noon_needs_only_the_morning():
    assert int(features.slot_mask(0, 8 * 60, 12 * 60)) == bit(0, 0)
    assert int(features.slot_mask(0, 12 * 60, 12 * 60)) == bit(
        0, 1
    )  # zero length: the slot it starts in


def test_time_fit_is_the_share_of_needed_slots_the_volunteer_has():
    needed = bit(5, 0) | bit(5, 1)  # Saturday morning + afternoon
    # has both → 1; has only the morning → 0.5; has Sunday only → 0; the shift needs nothing → 1
    fit = features.time_fit([needed, needed, needed, 0], [needed, bit(5, 0), bit(6, 0), 0])
    np.testing.assert_allclose(fit, [1.0, 0.5, 0.0, 1.0])


def test_time_fit_reads_all_21_bits_of_the_week():
    everything = (1 << 21) - 1
    sunday_evening = bit(6, 2)  # the highest bit, 20
    np.testing.assert_allclose(features.time_fit([sunday_evening], [everything]), [1.0])
    np.testing.assert_allclose(features.time_fit([everything], [sunday_evening]), [1 / 21])


def test_overlap_is_the_share_of_required_items_present_and_one_when_nothing_is_required():
    fit = features.overlap(
        [{"急救", "驾驶"}, {"急救", "驾驶", "手语"}, set(), {"摄影"}],
        [{"急救"}, {"急救", "驾驶", "手语", "摄影"}, {"急救"}, []],
    )
    np.testing.assert_allclose(fit, [0.5, 1.0, 1.0, 0.0])


def test_overlap_refuses_lists_of_different_lengths():
    with pytest.raises(ValueError, match="2 required sets but 1"):
        features.overlap([{"a"}, {"b"}], [{"a"}])


def test_category_affinity_is_the_smoothed_share_of_past_items_in_the_category():
    # (c + 2·0.1) / (n + 2): no history → 0.1; 3 of 4 → 3.2/6 = 0.5333; 8 of 8 → 8.2/10 = 0.82
    fit = features.category_affinity([0, 3, 8], [0, 4, 8])
    np.testing.assert_allclose(fit, [0.1, 3.2 / 6, 0.82])


def test_reliability_pulls_few_trials_toward_the_prior_mean():
    # prior 0.8 with weight 5: newcomer → 0.8; 2 of 2 → (2 + 4) / 7 = 0.857; 19 of 20 → 23/25 = 0.92
    fit = features.reliability([0, 2, 19], [0, 2, 20], prior_mean=0.8, prior_weight=5)
    np.testing.assert_allclose(fit, [0.8, 6 / 7, 0.92])


def test_load_is_one_when_idle_and_zero_at_or_over_the_cap():
    # cap 20 h: 0 h → 1, 5 h → 0.75, 20 h → 0, 30 h → 0; a cap of 0 leaves no room
    fit = features.load([0, 5, 20, 30, 1], [20, 20, 20, 20, 0])
    np.testing.assert_allclose(fit, [1.0, 0.75, 0.0, 0.0, 0.0])


def test_familiarity_saturates_one_minus_exp_of_minus_n_over_three():
    fit = features.familiarity([0, 3, 9])
    np.testing.assert_allclose(fit, [0.0, 1 - math.exp(-1), 1 - math.exp(-3)])
    assert fit[1] == pytest.approx(0.632, abs=1e-3)


def test_exposure_is_one_before_any_invitation_and_zero_at_the_cap():
    np.testing.assert_allclose(features.exposure([0, 1, 4, 6], 4), [1.0, 0.75, 0.0, 0.0])


def test_share_of_free_places_and_zero_for_no_capacity():
    np.testing.assert_allclose(features.share([3, 0, 5, 2], [12, 10, 5, 0]), [0.25, 0.0, 1.0, 0.0])


def test_text_similarity_ranks_a_related_chinese_description_above_an_unrelated_one():
    query = "社区长者助餐服务项目"
    sims = features.text_similarity(
        [query, query, query, ""],
        ["专注社区长者助餐与居家照护服务", "青少年编程与科学教育", query, "任何文字"],
    )
    assert sims[2] == pytest.approx(1.0)
    assert sims[0] > 0.3 > sims[1]
    assert sims[3] == 0.0
    assert ((sims >= 0) & (sims <= 1)).all()


def test_text_similarity_counts_a_query_repeated_for_every_candidate_once():
    query = "社区长者助餐服务项目"
    docs = ["专注社区长者助餐与居家照护服务", "青少年编程与科学教育", "社区助老服务"]
    once = features.text_similarity([query] * 3, docs)
    # Thirty copies of the same texts give the same IDF: distinct texts are what counts.
    many = features.text_similarity([query] * 30, docs * 10)
    np.testing.assert_allclose(many[:3], once)
    assert once[0] > once[2] > once[1] == 0.0


def test_text_similarity_of_only_empty_texts_is_zero():
    np.testing.assert_allclose(features.text_similarity(["", ""], ["", ""]), [0.0, 0.0])


def test_every_direction_has_its_contract_features_in_order_with_priors_summing_to_one():
    vol = (
        "distance",
        "time",
        "skills",
        "interest",
        "reliability",
        "familiarity",
        "load",
        "exposure",
        "vacancy",
    )
    org = (
        "category",
        "text",
        "distance",
        "reliability",
        "load",
        "qualification",
        "familiarity",
        "exposure",
    )
    sw = ("specialty", "text", "qualification", "load", "familiarity", "distance", "reliability")
    wish = ("distance", "interest", "reliability", "familiarity", "load", "urgency")
    expected = {
        "VOLUNTEERS_FOR_SHIFT": vol,
        "SHIFTS_FOR_VOLUNTEER": vol,
        "ORGANIZATIONS_FOR_PROJECT": org,
        "PROJECTS_FOR_ORGANIZATION": org,
        "SOCIAL_WORKERS_FOR_PROJECT": sw,
        "CLAIMERS_FOR_WISH": wish,
        "WISHES_FOR_VOLUNTEER": wish,
    }
    assert {name: spec.feature_names for name, spec in directions.DIRECTIONS.items()} == expected
    for spec in directions.DIRECTIONS.values():
        assert spec.stages == ("engaged", "succeeded")
        assert sum(f.prior_weight for f in spec.features) == pytest.approx(1.0)
        assert all(f.code in directions.REASON_CODES for f in spec.features)
        assert all(f.monotonic in (-1, 0, 1) for f in spec.features)


def test_reasons_fill_the_chinese_templates_with_the_services_facts():
    spec = directions.DIRECTIONS["VOLUNTEERS_FOR_SHIFT"]
    contributions = np.zeros((1, len(spec.features)))
    for name, weight in (
        ("distance", 0.3),
        ("skills", 0.25),
        ("time", 0.2),
        ("reliability", 0.15),
        ("familiarity", 0.1),
    ):
        contributions[0, spec.index(name)] = weight
    facts = {
        "distance_km": [1.23],
        "skills_matched": [["急救", "驾驶"]],
        "slot_label": ["周六上午"],
        "attendance_rate": [0.95],
        "times_here": [3],
    }
    (row,) = reasons("VOLUNTEERS_FOR_SHIFT", contributions, facts, top=5)
    assert [(r.code, r.text) for r in row] == [
        ("DISTANCE", "距离 1.2 公里"),
        ("SKILLS", "具备所需技能：急救、驾驶"),
        ("TIME", "周六上午有空"),
        ("RELIABILITY", "近 90 天出勤率 95%"),
        ("FAMILIARITY", "在本社区做过 3 次服务"),
    ]
    # positive total 1.0, floor 0.1: all five are reasons
    assert [r.weight for r in row] == [0.3, 0.25, 0.2, 0.15, 0.1]


def test_reasons_keep_only_positive_contributions_and_fall_back_when_a_fact_is_missing():
    spec = directions.DIRECTIONS["VOLUNTEERS_FOR_SHIFT"]
    contributions = np.zeros((2, len(spec.features)))
    contributions[0, spec.index("distance")] = 0.2
    contributions[0, spec.index("time")] = -0.4
    contributions[1, spec.index("time")] = -0.1
    rows = reasons("VOLUNTEERS_FOR_SHIFT", contributions, {"distance_km": [NAN, 2.0]})
    assert [(r.code, r.text) for r in rows[0]] == [("DISTANCE", "距离较近")]
    assert rows[1] == []


def test_a_reason_whose_fact_is_empty_says_what_is_true_instead_of_naming_nothing():
    vol = directions.DIRECTIONS["VOLUNTEERS_FOR_SHIFT"]
    contributions = np.zeros((1, len(vol.features)))
    contributions[0, vol.index("skills")] = 0.3
    # The activity asks for no skill: no "具备所需技能：" with nothing after it.
    (row,) = reasons("VOLUNTEERS_FOR_SHIFT", contributions, {"skills_matched": [[]]})
    assert [(r.code, r.text) for r in row] == [("SKILLS", "无需特殊技能")]
    org = directions.DIRECTIONS["ORGANIZATIONS_FOR_PROJECT"]
    contributions = np.zeros((1, len(org.features)))
    contributions[0, org.index("category")] = 0.3
    # No past project in the category (the service passes None): the declared fit, not "0 个项目".
    facts = {"category_label": ["为老服务"], "category_count": [None]}
    (row,) = reasons("ORGANIZATIONS_FOR_PROJECT", contributions, facts)
    assert [(r.code, r.text) for r in row] == [("CATEGORY", "服务领域与项目相符")]


def test_reasons_of_a_cold_start_list_say_so():
    spec = directions.DIRECTIONS["ORGANIZATIONS_FOR_PROJECT"]
    contributions = np.zeros((1, len(spec.features)))
    contributions[0, spec.index("category")] = 0.25
    (row,) = reasons("ORGANIZATIONS_FOR_PROJECT", contributions, {}, cold_start=True)
    assert [r.code for r in row] == ["CATEGORY", "COLD_START"]


def test_reasons_leave_out_a_factor_below_a_tenth_of_the_rows_positive_contribution():
    spec = directions.DIRECTIONS["VOLUNTEERS_FOR_SHIFT"]
    contributions = np.zeros((1, len(spec.features)))
    # positive total 0.8 + 0.15 + 0.05 = 1.0: the floor is 0.1, so LOAD (0.05) is not a reason
    contributions[0, spec.index("distance")] = 0.8
    contributions[0, spec.index("skills")] = 0.15
    contributions[0, spec.index("load")] = 0.05
    (row,) = reasons("VOLUNTEERS_FOR_SHIFT", contributions)
    assert [r.code for r in row] == ["DISTANCE", "SKILLS"]
