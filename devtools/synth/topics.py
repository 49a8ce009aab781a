"""Suggestion titles as deputies write them: a set of known problems (irrigation water, rural roads, school
buses, clinics, heating, …), each phrased in several ways, each raised where it is a problem.

Every suggestion category of world.CATEGORIES has two problems: one raised in the north (北疆), one in
the south and east (南疆、东疆); irrigation water is raised in nine prefectures (the south, the east,
Changji and Ili), more often than any other problem, so it leads the region's list. `planted_topic(title)`
gives back the problem a title was drawn from: the truth the grouping in reports/topics.py is measured
against. Drawn from a generator seeded from the world's own draws, so a seed gives the same titles and
the world's other columns do not move.
"""

from __future__ import annotations

import re

import numpy as np

NORTH = ("650100", "650200", "652300", "652700", "654000", "654200", "654300")
SOUTH_EAST = ("652800", "652900", "653000", "653100", "653200", "650400", "650500")
IRRIGATION_PREFECTURES = SOUTH_EAST + ("652300", "654000")  # nine
DRINKING_PREFECTURES = tuple(code for code in NORTH if code not in IRRIGATION_PREFECTURES)
HOT_SHARE = 0.08  # share of suggestions in the nine prefectures that raise irrigation water

# Per category of world.CATEGORIES (same order): [(problem key, prefectures, phrasings with {p} = place)]
PROBLEMS: tuple[tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...], ...] = (
    (("乡村教师", NORTH, ("关于补充{p}乡村教师编制的建议", "关于加强{p}乡村教师队伍建设的建议",
                         "关于解决{p}农村学校教师短缺问题的建议", "关于稳定{p}乡村教师队伍的建议")),
     ("校车", SOUTH_EAST, ("关于开通{p}农村学生校车的建议", "关于增加{p}中小学校车线路的建议",
                          "关于解决{p}农村学生上下学乘车难问题的建议", "关于为{p}偏远村学生配备校车的建议"))),
    (("乡镇卫生院", NORTH, ("关于为{p}乡镇卫生院配备医疗设备的建议", "关于提升{p}乡镇卫生院诊疗能力的建议",
                          "关于加快{p}乡镇卫生院改扩建的建议")),
     ("村卫生室", SOUTH_EAST, ("关于加强{p}村卫生室建设的建议", "关于改善{p}村卫生室医疗条件的建议",
                             "关于解决{p}村卫生室缺医少药问题的建议", "关于充实{p}村卫生室村医队伍的建议"))),
    (("农村公路", NORTH, ("关于修缮{p}乡村公路的建议", "关于加快{p}农村公路硬化的建议", "关于维修{p}破损农村公路的建议",
                         "关于改善{p}农村公路通行条件的建议")),
     ("城乡公交", SOUTH_EAST, ("关于开通{p}城乡公交线路的建议", "关于增加{p}城乡公交班次的建议",
                             "关于优化{p}城乡公交线路设置的建议"))),
    (("高标准农田", NORTH, ("关于推进{p}高标准农田建设的建议", "关于加大{p}高标准农田建设投入的建议",
                          "关于加快{p}高标准农田改造提升的建议")),
     ("冷链仓储", SOUTH_EAST, ("关于建设{p}农产品冷链仓储设施的建议", "关于完善{p}果蔬冷链物流体系的建议",
                             "关于解决{p}林果产品冷链储藏保鲜难的建议"))),
    (("高校毕业生就业", NORTH, ("关于做好{p}高校毕业生就业服务的建议", "关于拓宽{p}高校毕业生就业渠道的建议")),
     ("农村劳动力转移就业", SOUTH_EAST, ("关于促进{p}农村富余劳动力转移就业的建议", "关于加强{p}农村劳动力转移就业技能培训的建议"))),
    (("冬季供暖", NORTH, ("关于解决{p}冬季供暖温度不达标问题的建议", "关于推进{p}集中供热管网改造保障冬季供暖的建议",
                         "关于改善{p}老旧小区冬季供暖的建议", "关于提高{p}冬季供暖质量的建议")),
     ("老旧小区改造", SOUTH_EAST, ("关于加快{p}老旧小区改造的建议", "关于推进{p}老旧小区基础设施改造的建议"))),
    (("草原保护", NORTH, ("关于加强{p}草原生态保护的建议", "关于落实{p}草原生态保护补助政策的建议")),
     ("农村垃圾", SOUTH_EAST, ("关于加强{p}农村生活垃圾收运处理的建议", "关于解决{p}农村垃圾乱堆乱放问题的建议",
                             "关于建设{p}农村垃圾中转站的建议"))),
    (("饮水安全", DRINKING_PREFECTURES, ("关于保障{p}农村饮水安全的建议", "关于解决{p}农村自来水水质问题的建议",
                                        "关于改造{p}农村饮水供水管网的建议")),
     ("灌溉用水", IRRIGATION_PREFECTURES, ("关于解决{p}农田灌溉用水紧张问题的建议", "关于保障{p}春季农业灌溉用水的建议",
                                          "关于加快{p}灌区节水改造缓解灌溉用水不足的建议", "关于增加{p}农业灌溉用水指标的建议",
                                          "关于修复{p}损毁灌溉渠系保障灌溉用水的建议"))),
    (("乡村旅游", NORTH, ("关于发展{p}乡村旅游的建议", "关于打造{p}乡村旅游精品线路的建议")),
     ("村级文化活动室", SOUTH_EAST, ("关于完善{p}村级文化活动室的建议", "关于加强{p}村级文化活动室设施建设的建议"))),
    (("农村养老", NORTH, ("关于加快{p}农村养老服务设施建设的建议", "关于建设{p}农村互助幸福院发展农村养老的建议",
                         "关于解决{p}农村老人养老难问题的建议")),
     ("社区服务中心", SOUTH_EAST, ("关于加强{p}社区服务中心建设的建议", "关于完善{p}社区服务中心便民设施的建议"))),
    (("产业园区", NORTH, ("关于支持{p}特色产业园区建设的建议", "关于完善{p}产业园区基础设施的建议")),
     ("庭院经济", SOUTH_EAST, ("关于扶持{p}庭院经济发展的建议", "关于支持{p}农户发展庭院经济的建议"))),
    (("食品安全", NORTH, ("关于加强{p}校园周边食品安全监管的建议", "关于加强{p}食品安全监管的建议")),
     ("农贸市场", SOUTH_EAST, ("关于规范{p}农贸市场管理的建议", "关于整治{p}农贸市场环境的建议"))),
)
WATER_CATEGORY = 7  # 水利 in world.CATEGORIES
IRRIGATION = (WATER_CATEGORY, 1)


def titles(prefecture: str, category: np.ndarray, place: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(category, title) per suggestion of one prefecture: the category may become 水利 (irrigation water)
    in the nine prefectures where it is the problem; the phrasing is drawn per suggestion."""
    rng = np.random.default_rng(seed)
    n = len(category)
    category = category.copy()
    if prefecture in IRRIGATION_PREFECTURES:
        category[rng.random(n) < HOT_SHARE] = WATER_CATEGORY
    pick = rng.random(n)
    out = np.empty(n, dtype=object)
    for i in range(n):
        problems = [p for p in PROBLEMS[category[i]] if prefecture in p[1]]
        _, _, phrasings = problems[0]
        out[i] = phrasings[int(pick[i] * len(phrasings))].format(p=place[i])
    return category, out.astype(str)


def _pattern(phrasing: str) -> str:
    head, tail = phrasing.split("{p}")
    return re.escape(head) + ".+?" + re.escape(tail)


_PATTERNS = [(re.compile(f"^{_pattern(phrasing)}$"), key) for category in PROBLEMS for key, _, phrasings in category
             for phrasing in phrasings]


def planted_topic(title: str) -> str | None:
    """The problem a synth title was drawn from (None for a title synth did not plant)."""
    return next((key for pattern, key in _PATTERNS if pattern.match(title)), None)
