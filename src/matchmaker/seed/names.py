"""Name pools for generated people, places and organizations.

Surnames are weighted by their rough share of the population (the ten commonest cover about
half of it), so a seeded list looks like a real one. Every name built from these pools is
fictitious; any match with a real person or organization is a coincidence.
"""

from __future__ import annotations

import random


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# (surname, weight ‰ of the population, approximately)
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71),
    ("李", 68),
    ("张", 66),
    ("刘", 53),
    ("陈", 45),
    ("杨", 31),
    ("赵", 22),
    ("黄", 22),
    ("周", 21),
    ("吴", 20),
    ("徐", 16),
    ("孙", 15),
    ("胡", 13),
    ("朱", 13),
    ("高", 12),
    ("林", 12),
    ("何", 12),
    ("郭", 11),
    ("马", 11),
    ("罗", 9),
    ("梁", 9),
    ("宋", 8),
    ("郑", 8),
    ("谢", 7),
    ("韩", 7),
    ("唐", 6),
    ("冯", 6),
    ("于", 6),
    ("董", 6),
    ("萧", 5),
    ("程", 5),
    ("曹", 5),
    ("袁", 5),
    ("邓", 5),
    ("许", 5),
    ("傅", 4),
    ("沈", 4),
    ("曾", 4),
    ("彭", 4),
    ("吕", 4),
    ("苏", 4),
    ("卢", 4),
    ("蒋", 4),
    ("蔡", 4),
    ("贾", 3),
    ("丁", 3),
    ("魏", 3),
    ("薛", 3),
    ("叶", 3),
    ("阎", 3),
    ("孔", 2),
    ("崔", 2),
    ("庞", 1),
    ("欧阳", 0.5),
    ("司马", 0.2),
)
_SURNAME_NAMES = [s for s, _ in SURNAMES]
_SURNAME_CUM: list[float] = []
_total = 0.0
for _, _w in SURNAMES:
    _total += _w
    _SURNAME_CUM.append(_total)

GIVEN_MALE = words(
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宁 凯 浩 宇 轩 博 文 志 建 国 "
    "峰 俊 晨 阳 帅 龙 林 永 海 东 亮 成 兴 良 振 庆 德 铭 泽 昊 睿 航 然"
)
GIVEN_FEMALE = words(
    "芳 娜 敏 静 丽 艳 娟 霞 秀 玲 燕 红 丹 萍 婷 雪 琳 晶 颖 慧 洁 佳 倩 欣 怡 悦 "
    "梅 兰 莉 琴 璐 瑶 彤 萱 涵 雨 琪 晴 妍 婉 楠 薇 月 蕾 宁 华 莹 思"
)


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_NAMES, cum_weights=_SURNAME_CUM)[0]


def person_name(rng: random.Random, gender: str) -> str:
    pool = GIVEN_MALE if gender == "M" else GIVEN_FEMALE
    given = rng.choice(pool)
    if rng.random() < 0.7:
        given += rng.choice(pool)
    return surname(rng) + given


# Roots for place names: communities (社区), streets and towns (街道/镇).
PLACE_ROOTS = words(
    "和平 阳光 幸福 花园 泉景 锦屏 东城 翠园 燕翔 历山 文化 青龙 双龙 玉函 舜耕 兴隆 "
    "建设 民生 新苑 华苑 金鸡 山水 北苑 南苑 丰收 康宁 泉润 明湖 柳园 荷花 芙蓉 百花 "
    "紫薇 银河 龙泉 凤凰 鹊华 华阳 泰和 永安 长乐 仁和 福泽 安居 春晖 朝阳 东方 西城 "
    "南郊 北关 新华 光明 团结 胜利 育英 求是 同德 广福 宏福 德馨 嘉华 兴华 怡和 祥和 "
    "锦绣 桂园 松园 竹园 梅园 枫林 杏林 槐荫 柳荫 碧水 清河 玉泉 金泉 银泉 趵泉 黑虎 "
    "珍珠 五龙 白石 青石 红石 黄台 药山 鹊山 华山 卧虎 英雄 千佛 马鞍 腊山 匡山 标山"
)
VILLAGE_PREFIXES = words(
    "王家 李家 张家 刘家 陈家 杨家 赵家 孙家 周家 吴家 徐家 马家 朱家 胡家 郭家 何家 "
    "高家 林家 宋家 韩家 唐家 冯家 于家 董家 曹家 袁家 许家 魏家 崔家 孔家 前 后 东 西 "
    "南 北 大 小 上 下 新 老 石 柳 杨 槐 河 岭 峪 泉 山"
)
VILLAGE_SUFFIXES = words("庄 屯 店 楼 寨 营 集 埠 洼 峪 沟 坡 湾 桥 园")
ORG_WORDS = words(
    "阳光 启明 同心 仁爱 和谐 益民 乐群 善行 彩虹 明德 泉心 致远 恒爱 心航 携手 暖阳 春晖 "
    "馨苑 益心 博爱 向日葵 知行 众合 德善 汇爱 久久 安康 乐龄 童心 邻里 泉城 夕阳红 "
    "金色年华 守望 微光 萤火 筑梦 绿洲 春雨 大爱 馨家园 手拉手 爱心 助乐 悦享 慧心"
)
ORG_PATTERNS: tuple[tuple[str, str, str], ...] = (
    # (name pattern, kind, a category it usually has); {place}, {word}
    ("{place}{word}社会工作服务中心", "REGISTERED", "COMMUNITY_INTEGRATION"),
    ("{place}{word}社工服务中心", "REGISTERED", "FAMILY"),
    ("{place}{word}养老服务中心", "REGISTERED", "ELDERLY"),
    ("{place}{word}青少年服务中心", "REGISTERED", "CHILDREN_YOUTH"),
    ("{place}{word}残疾人康复服务中心", "REGISTERED", "REHABILITATION"),
    ("{place}{word}心理咨询服务中心", "REGISTERED", "PSYCHOLOGICAL"),
    ("{place}{word}志愿服务协会", "REGISTERED", "COMMUNITY_INTEGRATION"),
    ("{place}{word}公益服务中心", "REGISTERED", "HARDSHIP_RELIEF"),
    ("{place}{word}调解服务中心", "REGISTERED", "DISPUTE_MEDIATION"),
    ("{place}{word}文体协会", "FILED", "CULTURE_SPORT"),
    ("{place}{word}邻里互助会", "FILED", "COMMUNITY_INTEGRATION"),
    ("{place}{word}老年协会", "FILED", "ELDERLY"),
    ("{place}{word}环保志愿者协会", "FILED", "ENVIRONMENT"),
    ("{place}{word}艺术团", "FILED", "CULTURE_SPORT"),
    ("{place}{word}就业帮扶服务社", "FILED", "EMPLOYMENT"),
)
ROADS = words(
    "经十路 泉城路 历山路 文化东路 解放路 和平路 山大路 二环东路 工业南路 旅游路 经七路 "
    "纬二路 大明湖路 英雄山路 舜耕路 花园路 华信路 新泺大街 北园大街 济泺路 堤口路 "
    "经四路 纬十二路 阳光新路 腊山河西路 刘长山路 玉函路 顺河街 明湖东路 二环西路"
)

#: Volunteer skills: free text in the profile (services.volunteers.clean_skills), so people's own
#: words; activities that require a skill should use these same strings.
SKILLS = words(
    "急救 心理咨询 课业辅导 助老护理 儿童看护 手语 摄影 驾驶 烹饪 医疗护理 法律咨询 电脑维修 "
    "音乐 舞蹈 体育健身 英语 书法 理发 家电维修 财务会计 活动策划 平面设计"
)
