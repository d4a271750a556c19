"""Shandong's administrative divisions for the demo data.

The demo city is Jinan (济南, 3701): its province, city and real districts, with real street and
town names where we know them, ship as ``data/jinan_regions.csv`` (written by
``python -m matchmaker.seed.jinan_csv``; communities and villages there are plausible, not
real). The other cities of Shandong (3702 青岛 … 3717 菏泽, without 3712, merged into Jinan in
2019) carry their real county-level divisions; their streets and communities are generated
here, deterministically and independently of ``--seed`` (the map doesn't change with the seed).

Codes follow docs/domain.md (Regions): street segment 001–099 街道, 100–199 镇; community
segment 001–199 社区, 200–399 村.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from matchmaker.seed.names import PLACE_ROOTS, VILLAGE_PREFIXES, VILLAGE_SUFFIXES

PROVINCE = ("370000000000", "山东省", 36.67, 117.02)
JINAN = ("370100000000", "济南市", 36.65, 117.00)


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str
    level: str
    parent_code: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class District:
    code6: str
    name: str
    latitude: float
    longitude: float
    streets: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return self.code6 + "000000"


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


JINAN_DISTRICTS: tuple[District, ...] = (
    District(
        "370102",
        "历下区",
        36.672,
        117.076,
        _split("解放路 千佛山 趵突泉 泉城路 大明湖 东关 文东 建新 甸柳 燕山 姚家 龙洞 智远"),
    ),
    District(
        "370103",
        "市中区",
        36.651,
        116.997,
        _split(
            "大观园 杆石桥 四里村 魏家庄 二七新村 七里山 六里山 舜玉路 泺源 王官庄 舜耕 "
            "白马山 七贤 十六里河 兴隆 党家 陡沟"
        ),
    ),
    District(
        "370104",
        "槐荫区",
        36.651,
        116.901,
        _split(
            "振兴街 中大槐树 道德街 西市场 五里沟 营市街 青年公园 南辛庄 段店北路 张庄路 "
            "匡山 美里湖 吴家堡 腊山 兴福 玉清湖"
        ),
    ),
    District(
        "370105",
        "天桥区",
        36.693,
        116.987,
        _split(
            "无影山 天桥东街 北村 南村 堤口路 北坦 制锦市 宝华街 官扎营 纬北路 药山 北园 "
            "泺口 桑梓店 大桥"
        ),
    ),
    District(
        "370112",
        "历城区",
        36.680,
        117.065,
        _split(
            "山大路 洪家楼 东风 全福 华山 荷花路 王舍人 鲍山 郭店 唐冶 港沟 董家 遥墙 临港 彩石"
        ),
        _split("仲宫 柳埠 西营"),
    ),
    District(
        "370113",
        "长清区",
        36.553,
        116.752,
        _split("文昌 崮云湖 平安 五峰山 归德 张夏 万德 孝里"),
        _split("马山 双泉"),
    ),
    District(
        "370114",
        "章丘区",
        36.714,
        117.526,
        _split(
            "明水 双山 枣园 龙山 埠村 圣井 普集 绣惠 相公庄 文祖 官庄 高官寨 白云湖 宁家埠 曹范"
        ),
        _split("垛庄 刁镇"),
    ),
    District(
        "370115",
        "济阳区",
        36.978,
        117.173,
        _split("济阳 济北 回河 孙耿 崔寨 太平"),
        _split("垛石 曲堤 仁风 新市"),
    ),
    District(
        "370116",
        "莱芜区",
        36.203,
        117.659,
        _split("凤城 张家洼 高庄 鹏泉 口镇 羊里 方下"),
        _split("牛泉 苗山 雪野 大王庄 寨里 杨庄 茶业口 和庄"),
    ),
    District(
        "370117",
        "钢城区",
        36.059,
        117.811,
        _split("艾山 里辛 汶源 颜庄 辛庄"),
    ),
    District(
        "370124",
        "平阴县",
        36.290,
        116.456,
        _split("榆山 锦水"),
        _split("东阿 玫瑰 洪范池 孔村 孝直 安城"),
    ),
    District(
        "370126",
        "商河县",
        37.309,
        117.157,
        _split("许商"),
        _split("殷巷 怀仁 龙桑寺 郑路 贾庄 玉皇庙 白桥 孙集 韩庙 沙河 张坊"),
    ),
)

#: Real community names kept where the test factories and the docs use them.
KNOWN_COMMUNITIES: dict[str, tuple[str, ...]] = {
    "370102001000": ("朝山街", "新东门", "山水沟", "按察司街", "正觉寺"),
    "370102002000": ("佛山苑", "山水", "千佛山", "南郊", "燕子山"),
}

# (city code4, name, latitude, longitude, ((code6, district name), ...)): real county-level
# divisions of the other cities of Shandong.
OTHER_CITIES: tuple[tuple[str, str, float, float, tuple[tuple[str, str], ...]], ...] = (
    (
        "3702",
        "青岛市",
        36.07,
        120.38,
        (
            ("370202", "市南区"),
            ("370203", "市北区"),
            ("370211", "黄岛区"),
            ("370212", "崂山区"),
            ("370213", "李沧区"),
            ("370214", "城阳区"),
            ("370215", "即墨区"),
            ("370281", "胶州市"),
            ("370283", "平度市"),
            ("370285", "莱西市"),
        ),
    ),
    (
        "3703",
        "淄博市",
        36.81,
        118.05,
        (
            ("370302", "淄川区"),
            ("370303", "张店区"),
            ("370304", "博山区"),
            ("370305", "临淄区"),
            ("370306", "周村区"),
            ("370321", "桓台县"),
            ("370322", "高青县"),
            ("370323", "沂源县"),
        ),
    ),
    (
        "3704",
        "枣庄市",
        34.81,
        117.32,
        (
            ("370402", "市中区"),
            ("370403", "薛城区"),
            ("370404", "峄城区"),
            ("370405", "台儿庄区"),
            ("370406", "山亭区"),
            ("370481", "滕州市"),
        ),
    ),
    (
        "3705",
        "东营市",
        37.43,
        118.67,
        (
            ("370502", "东营区"),
            ("370503", "河口区"),
            ("370505", "垦利区"),
            ("370522", "利津县"),
            ("370523", "广饶县"),
        ),
    ),
    (
        "3706",
        "烟台市",
        37.46,
        121.45,
        (
            ("370602", "芝罘区"),
            ("370611", "福山区"),
            ("370612", "牟平区"),
            ("370613", "莱山区"),
            ("370614", "蓬莱区"),
            ("370681", "龙口市"),
            ("370682", "莱阳市"),
            ("370683", "莱州市"),
            ("370685", "招远市"),
            ("370686", "栖霞市"),
            ("370687", "海阳市"),
        ),
    ),
    (
        "3707",
        "潍坊市",
        36.71,
        119.16,
        (
            ("370702", "潍城区"),
            ("370703", "寒亭区"),
            ("370704", "坊子区"),
            ("370705", "奎文区"),
            ("370724", "临朐县"),
            ("370725", "昌乐县"),
            ("370781", "青州市"),
            ("370782", "诸城市"),
            ("370783", "寿光市"),
            ("370784", "安丘市"),
            ("370785", "高密市"),
            ("370786", "昌邑市"),
        ),
    ),
    (
        "3708",
        "济宁市",
        35.41,
        116.59,
        (
            ("370811", "任城区"),
            ("370812", "兖州区"),
            ("370826", "微山县"),
            ("370827", "鱼台县"),
            ("370828", "金乡县"),
            ("370829", "嘉祥县"),
            ("370830", "汶上县"),
            ("370831", "泗水县"),
            ("370832", "梁山县"),
            ("370881", "曲阜市"),
            ("370883", "邹城市"),
        ),
    ),
    (
        "3709",
        "泰安市",
        36.20,
        117.09,
        (
            ("370902", "泰山区"),
            ("370911", "岱岳区"),
            ("370921", "宁阳县"),
            ("370923", "东平县"),
            ("370982", "新泰市"),
            ("370983", "肥城市"),
        ),
    ),
    (
        "3710",
        "威海市",
        37.51,
        122.12,
        (
            ("371002", "环翠区"),
            ("371003", "文登区"),
            ("371082", "荣成市"),
            ("371083", "乳山市"),
        ),
    ),
    (
        "3711",
        "日照市",
        35.42,
        119.53,
        (
            ("371102", "东港区"),
            ("371103", "岚山区"),
            ("371121", "五莲县"),
            ("371122", "莒县"),
        ),
    ),
    (
        "3713",
        "临沂市",
        35.10,
        118.36,
        (
            ("371302", "兰山区"),
            ("371311", "罗庄区"),
            ("371312", "河东区"),
            ("371321", "沂南县"),
            ("371322", "郯城县"),
            ("371323", "沂水县"),
            ("371324", "兰陵县"),
            ("371325", "费县"),
            ("371326", "平邑县"),
            ("371327", "莒南县"),
            ("371328", "蒙阴县"),
            ("371329", "临沭县"),
        ),
    ),
    (
        "3714",
        "德州市",
        37.43,
        116.36,
        (
            ("371402", "德城区"),
            ("371403", "陵城区"),
            ("371422", "宁津县"),
            ("371423", "庆云县"),
            ("371424", "临邑县"),
            ("371425", "齐河县"),
            ("371426", "平原县"),
            ("371427", "夏津县"),
            ("371428", "武城县"),
            ("371481", "乐陵市"),
            ("371482", "禹城市"),
        ),
    ),
    (
        "3715",
        "聊城市",
        36.46,
        115.99,
        (
            ("371502", "东昌府区"),
            ("371503", "茌平区"),
            ("371521", "阳谷县"),
            ("371522", "莘县"),
            ("371524", "东阿县"),
            ("371525", "冠县"),
            ("371526", "高唐县"),
            ("371581", "临清市"),
        ),
    ),
    (
        "3716",
        "滨州市",
        37.38,
        117.97,
        (
            ("371602", "滨城区"),
            ("371603", "沾化区"),
            ("371621", "惠民县"),
            ("371622", "阳信县"),
            ("371623", "无棣县"),
            ("371625", "博兴县"),
            ("371681", "邹平市"),
        ),
    ),
    (
        "3717",
        "菏泽市",
        35.23,
        115.48,
        (
            ("371702", "牡丹区"),
            ("371703", "定陶区"),
            ("371721", "曹县"),
            ("371722", "单县"),
            ("371723", "成武县"),
            ("371724", "巨野县"),
            ("371725", "郓城县"),
            ("371726", "鄄城县"),
            ("371728", "东明县"),
        ),
    ),
)


def _jitter(rng: random.Random, value: float, spread: float) -> float:
    return round(value + rng.uniform(-spread, spread), 5)


def _communities(
    rng: random.Random,
    street: Place,
    *,
    is_town: bool,
    known: tuple[str, ...] = (),
    urban_range: tuple[int, int] = (5, 10),
    village_range: tuple[int, int] = (6, 12),
) -> Iterator[Place]:
    assert street.latitude is not None and street.longitude is not None
    n_communities = rng.randint(1, 2) if is_town else rng.randint(*urban_range)
    roots = list(known) + [r for r in rng.sample(PLACE_ROOTS, 40) if r not in known]
    for i in range(n_communities):
        yield Place(
            code=street.code[:9] + f"{i + 1:03d}",
            name=roots[i] + "社区",
            level="COMMUNITY",
            parent_code=street.code,
            latitude=_jitter(rng, street.latitude, 0.012),
            longitude=_jitter(rng, street.longitude, 0.015),
        )
    if is_town:
        names: list[str] = []
        n_villages = rng.randint(*village_range)
        while len(names) < n_villages:
            name = rng.choice(VILLAGE_PREFIXES) + rng.choice(VILLAGE_SUFFIXES) + "村"
            if name not in names:
                names.append(name)
        for i, name in enumerate(names):
            yield Place(
                code=street.code[:9] + f"{200 + i + 1:03d}",
                name=name,
                level="COMMUNITY",
                parent_code=street.code,
                latitude=_jitter(rng, street.latitude, 0.03),
                longitude=_jitter(rng, street.longitude, 0.04),
            )


def _streets(rng: random.Random, district: District, spread: float) -> Iterator[tuple[Place, bool]]:
    for i, name in enumerate(district.streets):
        yield (
            Place(
                code=district.code6 + f"{i + 1:03d}000",
                name=name + "街道",
                level="STREET",
                parent_code=district.code,
                latitude=_jitter(rng, district.latitude, spread),
                longitude=_jitter(rng, district.longitude, spread * 1.2),
            ),
            False,
        )
    for i, name in enumerate(district.towns):
        yield (
            Place(
                code=district.code6 + f"{100 + i + 1:03d}000",
                name=name + ("" if name.endswith("镇") else "镇"),
                level="STREET",
                parent_code=district.code,
                latitude=_jitter(rng, district.latitude, spread * 2),
                longitude=_jitter(rng, district.longitude, spread * 2.4),
            ),
            True,
        )


def jinan_places() -> Iterator[Place]:
    """The demo city's tree in CSV order (parents first). Fixed, whatever the seed."""
    rng = random.Random("jinan-regions-v1")
    yield Place(PROVINCE[0], PROVINCE[1], "PROVINCE", "", PROVINCE[2], PROVINCE[3])
    yield Place(JINAN[0], JINAN[1], "CITY", PROVINCE[0], JINAN[2], JINAN[3])
    for district in JINAN_DISTRICTS:
        yield Place(
            district.code,
            district.name,
            "DISTRICT",
            JINAN[0],
            district.latitude,
            district.longitude,
        )
        urban = district.name.endswith("区") and district.code6 in {
            "370102",
            "370103",
            "370104",
            "370105",
        }
        for street, is_town in _streets(rng, district, 0.03 if urban else 0.08):
            yield street
            yield from _communities(
                rng, street, is_town=is_town, known=KNOWN_COMMUNITIES.get(street.code, ())
            )


def other_city_places() -> Iterator[Place]:
    """Synthetic streets and communities under the real districts of the other cities."""
    for code4, city_name, lat, lng, districts in OTHER_CITIES:
        rng = random.Random(f"shandong-{code4}-v1")
        city_code = code4 + "00000000"
        yield Place(city_code, city_name, "CITY", PROVINCE[0], lat, lng)
        for code6, name in districts:
            is_county = name.endswith(("县", "市"))
            d = District(
                code6,
                name,
                _jitter(rng, lat, 0.35),
                _jitter(rng, lng, 0.45),
            )
            yield Place(d.code, d.name, "DISTRICT", city_code, d.latitude, d.longitude)
            n_streets = rng.randint(3, 6) if is_county else rng.randint(8, 14)
            n_towns = rng.randint(8, 14) if is_county else rng.randint(0, 3)
            roots = rng.sample(PLACE_ROOTS, n_streets + n_towns)
            d = District(
                code6,
                name,
                d.latitude,
                d.longitude,
                streets=tuple(roots[:n_streets]),
                towns=tuple(roots[n_streets:]),
            )
            for street, is_town in _streets(rng, d, 0.05 if not is_county else 0.12):
                yield street
                yield from _communities(
                    rng,
                    street,
                    is_town=is_town,
                    urban_range=(6, 14),
                    village_range=(10, 20),
                )
