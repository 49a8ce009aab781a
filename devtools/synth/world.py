"""The synthetic world: 14 prefectures' deputies and every record they produce (typed frames).

`generate(out_dir, scale, seed)` writes, for each of the 14 prefectures, the files a clerk would
send (xlsx with a title row, one Ili workbook per year, UTF-8/BOM/GBK CSV with various date
styles), injects a few row-level errors and writes `manifest.json` describing all of it.

Everything is drawn from one `numpy.random.default_rng(seed)` in a fixed order, and every polars
join/group is sorted before random numbers are attached to it, so a seed gives identical bytes.
Dates are handled internally as int day numbers since 1970-01-01 (numpy) for speed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from ingest.schemas import STATION_FLAGS
from devtools.synth import topics
from lvzhi import reference

# ---------------------------------------------------------------------------------------------
# Constants and reference data
# ---------------------------------------------------------------------------------------------

YEARS = (2022, 2023, 2024, 2025)
EPOCH = date(1970, 1, 1)


def _d(s: str) -> int:
    """ISO date -> day number."""
    return int(np.datetime64(s, "D").astype(np.int64))


def _ymd(y: int, m: int, d: int) -> int:
    return (date(y, m, d) - EPOCH).days


START, END, TERM_END = _d("2022-01-01"), _d("2025-12-31"), _d("2026-12-31")
EXCEL_EPOCH_OFFSET = 25569  # Excel serial of 1970-01-01
FIXED_CREATED = datetime(2026, 1, 1)  # xlsx document property, keeps output byte-identical

SCALE_DEPUTIES = {"demo": 5_000, "region": 60_000}
TOWN_DIVISOR = {"tiny": 4, "demo": 12, "region": 40}  # township deputies per township congress
SPLIT_ROWS = 300_000  # a per-kind xlsx is split per year above this many rows
ERROR_RATE = 0.002
LAGGING = {"653000", "653200", "654300"}  # prefectures with slow replies, lower satisfaction


@dataclass(frozen=True)
class Pref:
    code: str
    short: str  # used in unit names: "伊犁州教育局"
    weight: float  # share of the region's deputies
    ethnic: tuple[tuple[str, float], ...]
    counties: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        """The official name, from data/seeds/prefectures.csv (the one place it is written)."""
        return reference.prefectures()[self.code]


def _c(*pairs: str) -> tuple[tuple[str, str], ...]:
    return tuple((p[:6], p[6:]) for p in pairs)


PREFS: tuple[Pref, ...] = (
    Pref("650100", "乌鲁木齐市", 0.075,
         (("汉族", 70), ("维吾尔族", 13), ("回族", 9), ("哈萨克族", 4), ("蒙古族", 2), ("锡伯族", 2)),
         _c("650102天山区", "650103沙依巴克区", "650104新市区", "650105水磨沟区", "650106头屯河区",
            "650107达坂城区", "650109米东区", "650121乌鲁木齐县")),
    Pref("650200", "克拉玛依市", 0.015,
         (("汉族", 78), ("维吾尔族", 14), ("哈萨克族", 4), ("回族", 3), ("蒙古族", 1)),
         _c("650202独山子区", "650203克拉玛依区", "650204白碱滩区", "650205乌尔禾区")),
    Pref("650400", "吐鲁番市", 0.03,
         (("维吾尔族", 70), ("汉族", 22), ("回族", 7), ("哈萨克族", 1)),
         _c("650402高昌区", "650421鄯善县", "650422托克逊县", "650423第4县")),
    Pref("650500", "哈密市", 0.035,
         (("汉族", 65), ("维吾尔族", 20), ("哈萨克族", 10), ("回族", 5)),
         _c("650502伊州区", "650521巴里坤哈萨克自治县", "650522伊吾县", "650523第4县")),
    Pref("652300", "昌吉州", 0.07,
         (("汉族", 70), ("回族", 12), ("哈萨克族", 12), ("维吾尔族", 5), ("蒙古族", 1)),
         _c("652301昌吉市", "652302阜康市", "652323呼图壁县", "652324玛纳斯县", "652325奇台县",
            "652327吉木萨尔县", "652328木垒哈萨克自治县")),
    Pref("652700", "博州", 0.03,
         (("汉族", 62), ("维吾尔族", 13), ("哈萨克族", 12), ("蒙古族", 7), ("回族", 5), ("锡伯族", 1)),
         _c("652701博乐市", "652702阿拉山口市", "652722精河县", "652723温泉县")),
    Pref("652800", "巴州", 0.07,
         (("汉族", 55), ("维吾尔族", 33), ("蒙古族", 5), ("回族", 5), ("哈萨克族", 2)),
         _c("652801库尔勒市", "652822轮台县", "652823尉犁县", "652824若羌县", "652825且末县",
            "652826焉耆回族自治县", "652827和静县", "652828和硕县", "652829博湖县")),
    Pref("652900", "阿克苏地区", 0.12,
         (("维吾尔族", 75), ("汉族", 23), ("回族", 1), ("柯尔克孜族", 1)),
         _c("652901阿克苏市", "652902库车市", "652922温宿县", "652924沙雅县", "652925新和县",
            "652926拜城县", "652927乌什县", "652928阿瓦提县", "652929柯坪县")),
    Pref("653000", "克州", 0.04,
         (("维吾尔族", 63), ("柯尔克孜族", 30), ("汉族", 6), ("塔吉克族", 1)),
         _c("653001阿图什市", "653022阿克陶县", "653023阿合奇县", "653024乌恰县")),
    Pref("653100", "喀什地区", 0.17,
         (("维吾尔族", 90), ("汉族", 7), ("塔吉克族", 2), ("柯尔克孜族", 1)),
         _c("653101喀什市", "653121疏附县", "653122疏勒县", "653123英吉沙县", "653124泽普县",
            "653125莎车县", "653126叶城县", "653127麦盖提县", "653128岳普湖县", "653129伽师县",
            "653130巴楚县", "653131塔什库尔干塔吉克自治县")),
    Pref("653200", "和田地区", 0.12,
         (("维吾尔族", 96), ("汉族", 4)),
         _c("653201和田市", "653221和田县", "653222墨玉县", "653223皮山县", "653224洛浦县",
            "653225策勒县", "653226于田县", "653227民丰县")),
    Pref("654000", "伊犁州", 0.11,
         (("汉族", 40), ("哈萨克族", 25), ("维吾尔族", 20), ("回族", 10), ("锡伯族", 3), ("蒙古族", 2)),
         _c("654002伊宁市", "654003奎屯市", "654004霍尔果斯市", "654021伊宁县", "654022察布查尔锡伯自治县",
            "654023霍城县", "654024巩留县", "654025新源县", "654026昭苏县", "654027特克斯县",
            "654028尼勒克县")),
    Pref("654200", "塔城地区", 0.06,
         (("汉族", 55), ("哈萨克族", 25), ("回族", 8), ("维吾尔族", 6), ("蒙古族", 4), ("达斡尔族", 2)),
         _c("654201塔城市", "654202乌苏市", "654203沙湾市", "654221额敏县", "654224托里县",
            "654225裕民县", "654226和布克赛尔蒙古自治县")),
    Pref("654300", "阿勒泰地区", 0.045,
         (("哈萨克族", 50), ("汉族", 40), ("回族", 4), ("蒙古族", 4), ("维吾尔族", 2)),
         _c("654301阿勒泰市", "654321布尔津县", "654322富蕴县", "654323福海县", "654324哈巴河县",
            "654325青河县", "654326吉木乃县")),
)

# (file family, date style). Styles: excel = real date cells, cn = "2024年3月5日",
# slash = "2024/3/5", dot = "2024.3.5", iso = "2024-03-05".
FORMATS = {
    "650100": ("xlsx", "excel"), "652300": ("xlsx", "excel"),
    "650200": ("xlsx", "cn"), "653100": ("xlsx", "cn"),
    "654000": ("ili", "excel"),
    "650400": ("csv-utf8", "slash"), "650500": ("csv-utf8", "iso"),
    "652700": ("csv-utf8-bom", "slash"), "652800": ("csv-utf8", "iso"),
    "654200": ("csv-utf8", "slash"),
    "652900": ("csv-gbk", "dot"), "653000": ("csv-gbk", "iso"),
    "653200": ("csv-gbk", "dot"), "654300": ("csv-gbk", "iso"),
}

# Names. Han style: surname + 1–2 characters; Turkic style: given·father.
HAN_SURNAMES = list("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
                    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶")
HAN_GIVEN_M = list("伟强军磊勇杰涛明超刚平辉鹏华飞斌建国志文海波宁峰林东亮新春成学庆忠荣兵立德")
HAN_GIVEN_F = list("芳娟敏静丽艳娜霞玲秀兰红梅燕萍婷雪琳慧颖倩洁琴凤英莉华晶")
TURKIC = {
    "维吾尔族": (["艾力", "买买提", "阿不都", "吐尔逊", "艾买提", "努尔", "热合曼", "亚森", "阿布拉",
                 "卡德尔", "吾斯曼", "伊敏", "玉素甫", "肉孜", "塔依尔", "阿里木", "艾合买提", "依明",
                 "麦麦提", "阿迪力", "吾买尔", "库尔班", "艾尔肯", "帕尔哈提"],
                ["古丽", "阿依古丽", "热依拉", "帕提古丽", "米日古丽", "努尔古丽", "阿依努尔", "再努尔",
                 "布维", "阿娜尔", "迪丽努尔", "玛依拉", "吐尼沙", "加米拉", "阿孜古丽"]),
    "哈萨克族": (["叶尔兰", "努尔兰", "别克", "哈力木", "巴合提", "叶尔江", "马合沙提", "阿斯哈尔",
                 "达吾列提", "加尔肯", "胡安", "木拉提", "赛力克", "哈那提"],
                ["加娜尔", "阿依达娜", "古丽娜尔", "阿依古丽", "哈丽旦", "阿曼古丽", "热依汗", "玛丽亚",
                 "阿依夏", "巴哈尔古丽"]),
    "柯尔克孜族": (["托合提", "阿曼", "吐尔干", "阿斯力别克", "奥斯曼", "居马", "艾山", "卡米力"],
                  ["古丽扎达", "阿依木", "布茹丽", "加娜提", "阿依吐尔", "古丽巴哈尔"]),
}
TURKIC["塔吉克族"] = TURKIC["维吾尔族"]
MONGOL = (["巴特尔", "那顺", "额尔敦", "道尔吉", "巴音", "宝音", "苏和", "孟克", "巴图", "朝鲁"],
          ["乌云", "其其格", "图雅", "萨仁", "娜仁", "高娃", "托娅", "斯琴"])

TOWN_STEMS = ["阿热勒", "托格拉克", "英阿瓦提", "巴格", "喀拉苏", "阔什", "吐尔洪", "塔什", "库木",
              "恰尔巴格", "乌尊", "阿克塔什", "兰干", "拜什", "亚喀", "色力布亚", "阿瓦提", "伊力其",
              "吐格曼", "克孜勒", "喀拉墩", "阿其克", "萨依", "布拉克", "奥依", "托万", "玉其", "博斯坦",
              "团结", "红星", "前进", "胜利", "幸福", "和平", "新华", "光明", "东风", "城关", "南湖", "园艺"]

# Suggestion categories: (category, bureau, weight, [(verb, object), ...]) -> "关于{verb}{place}{object}的建议"
CATEGORIES = (
    ("教育", "教育局", 14, [("改善", "农村学校办学条件"), ("扩大", "学前教育资源"), ("加强", "乡村教师队伍建设"),
                          ("推进", "职业教育发展")]),
    ("医疗卫生", "卫生健康委员会", 13, [("提升", "基层医疗卫生服务能力"), ("加强", "乡镇卫生院设备配置"),
                                 ("加快", "村卫生室标准化建设")]),
    ("交通", "交通运输局", 12, [("加快", "农村公路建设"), ("优化", "城乡公交线路"), ("加强", "乡道养护管理")]),
    ("农业农村", "农业农村局", 14, [("推进", "高标准农田建设"), ("支持", "林果业提质增效"), ("发展", "设施农业"),
                               ("完善", "农产品冷链物流体系")]),
    ("社会保障", "人力资源和社会保障局", 8, [("做好", "农村劳动力转移就业"), ("加强", "高校毕业生就业服务")]),
    ("城乡建设", "住房和城乡建设局", 10, [("加快", "老旧小区改造"), ("推进", "城区供热管网改造"),
                                  ("完善", "县城污水处理设施")]),
    ("生态环境", "生态环境局", 7, [("持续开展", "农村人居环境整治"), ("加强", "草原生态保护"),
                              ("推进", "河湖生态治理")]),
    ("水利", "水利局", 7, [("保障", "农村饮水安全"), ("加快", "灌区节水改造"), ("加强", "防洪工程建设")]),
    ("文化旅游", "文化体育广电和旅游局", 5, [("发展", "乡村旅游"), ("完善", "公共文化服务体系")]),
    ("民政", "民政局", 5, [("加快", "农村养老服务设施建设"), ("加强", "社区服务中心建设")]),
    ("产业发展", "发展和改革委员会", 3, [("支持", "特色产业园区建设"), ("促进", "边境贸易发展")]),
    ("市场监管", "市场监督管理局", 2, [("加强", "食品安全监管"), ("规范", "农贸市场管理")]),
)
MOTION_TOPICS = ["城乡供水条例", "生态环境保护条例", "农村公路管理条例", "旅游促进条例", "物业管理条例",
                 "历史文化名城保护条例", "城市市容和环境卫生管理条例", "草原保护条例"]
PROJECT_TOPICS = ["城乡供水提质改造工程", "老旧小区改造项目", "农村公路提升工程", "幼儿园新建项目",
                  "乡镇卫生院改扩建项目", "农贸市场建设项目", "城区集中供热管网改造", "公共厕所建设项目",
                  "农村人居环境整治项目", "养老服务中心建设", "便民服务中心建设", "全民健身设施建设",
                  "就业创业孵化基地建设", "村级道路亮化工程", "中小学校舍改造工程"]

KIND_TITLES = {
    "deputies": "人大代表名册", "meetings": "人大会议情况统计表",
    "attendance": "人大会议代表出席列席情况统计表", "motions": "人大代表议案办理情况统计表",
    "suggestions": "人大代表建议办理情况统计表", "activities": "人大代表闭会期间活动情况统计表",
    "liaison": "人大常委会组成人员联系代表情况表", "contacts": "人大常委会组成人员联系代表记录表",
    "stations": "人大代表之家（工作室、联络站）情况统计表", "receptions": "人大代表进站接待群众情况统计表",
    "trainings": "人大代表培训情况统计表", "projects": "民生实事项目人大代表票决制情况统计表",
    "replies": "人大代表建议答复情况登记表",
}

# Out-of-list values used for "bad_enum" errors, by column (kind-specific ones first).
BAD_ENUM = {
    ("attendance", "status"): "迟到", ("projects", "status"): "暂缓",
    "role": "旁听", "decision": "待定", "channel": "信函", "reply_class": "E", "satisfaction": "一般",
    "organiser": "乡政府", "activity_type": "联欢", "member_role": "政府部门", "method": "短信",
    "station_type": "代表服务点", "training_type": "岗前培训", "level": "村级",
}
NO_ERRORS = {"deputies", "meetings", "replies"}  # referenced by everything else / their own rng: kept clean
TINY_ERRORS = (  # (prefecture, kind, rule): spread over formats and kinds
    ("650100", "suggestions", "reply_before_assignment"), ("650100", "activities", "required"),
    ("650200", "suggestions", "extension_too_long"), ("650200", "trainings", "bad_date"),
    ("654000", "suggestions", "bad_enum"), ("654000", "receptions", "bad_date"),
    ("650400", "contacts", "bad_enum"), ("650400", "suggestions", "required"),
    ("652700", "attendance", "bad_enum"), ("652900", "projects", "bad_date"),
    ("652900", "suggestions", "reply_before_assignment"), ("653000", "liaison", "required"),
)

_CN_DIGITS = "零一二三四五六七八九"


def _cn_num(n: int) -> str:
    """1..99 as Chinese numerals (十五, 二十三)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return (_CN_DIGITS[tens] if tens > 1 else "") + "十" + (_CN_DIGITS[ones] if ones else "")


# ---------------------------------------------------------------------------------------------
# Small vectorised helpers
# ---------------------------------------------------------------------------------------------

def _date_series(days, valid=None, name: str = "") -> pl.Series:
    s = pl.Series(name, np.asarray(days, dtype=np.int32)).cast(pl.Date)
    if valid is None:
        return s
    return pl.select(pl.when(pl.lit(pl.Series(np.asarray(valid, bool)))).then(s).otherwise(None)
                     .alias(name)).to_series()


def _masked(values, valid, dtype=None) -> pl.Series:
    s = pl.Series(values, dtype=dtype) if dtype is not None else pl.Series(values)
    return pl.select(pl.when(pl.lit(pl.Series(np.asarray(valid, bool)))).then(s).otherwise(None)).to_series()


def _zfill(a, width: int) -> np.ndarray:
    return np.char.zfill(np.asarray(a).astype(np.int64).astype(str), width)


def _cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays and scalars."""
    out = np.asarray(parts[0]).astype(str)
    for p in parts[1:]:
        out = np.char.add(out, np.asarray(p).astype(str))
    return out


def _pick(rng, options, p, size) -> np.ndarray:
    p = np.asarray(p, float)
    return np.asarray(options)[rng.choice(len(options), size=size, p=p / p.sum())]


def _uniform_days(rng, lo, hi) -> np.ndarray:
    """A day in [lo, hi] (inclusive, arrays)."""
    lo, hi = np.asarray(lo), np.asarray(hi)
    return lo + (rng.random(lo.shape) * (hi - lo + 1)).astype(np.int64)


def _add_months(days: np.ndarray, months: int) -> np.ndarray:
    """Calendar-month arithmetic clamped to month end (Jan 31 + 3 months = Apr 30)."""
    if len(days) == 0:
        return np.asarray(days, np.int64)
    s = _date_series(days).dt.offset_by(f"{months}mo")
    return s.cast(pl.Int32).to_numpy().astype(np.int64)


def _expand(starts, lengths):
    """For ranges [start, start+len): (range index, member index) for every member."""
    starts, lengths = np.asarray(starts, np.int64), np.asarray(lengths, np.int64)
    rep = np.repeat(np.arange(len(starts)), lengths)
    offs = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return rep, starts[rep] + offs


def _year_bounds(year: int) -> tuple[int, int]:
    return _ymd(year, 1, 1), _ymd(year, 12, 31)


def _names(rng, ethnicity: np.ndarray, female: np.ndarray) -> np.ndarray:
    n = len(ethnicity)
    given_m = rng.choice(HAN_GIVEN_M, n)
    given_f = rng.choice(HAN_GIVEN_F, n)
    given = np.where(female, given_f, given_m)
    two = rng.random(n) < 0.6
    second = np.where(female, rng.choice(HAN_GIVEN_F, n), rng.choice(HAN_GIVEN_M, n))
    out = _cat(rng.choice(HAN_SURNAMES, n), given, np.where(two, second, ""))
    out = out.astype(object)
    father_all = rng.choice(TURKIC["维吾尔族"][0], n)
    for eth, (male_names, female_names) in TURKIC.items():
        m = ethnicity == eth
        if m.any():
            k = int(m.sum())
            own = np.where(female[m], rng.choice(female_names, k), rng.choice(male_names, k))
            father = rng.choice(male_names, k) if eth != "塔吉克族" else father_all[m]
            out[m] = _cat(own, "·", father)
    m = ethnicity == "蒙古族"
    if m.any():
        k = int(m.sum())
        out[m] = np.where(female[m], rng.choice(MONGOL[1], k), rng.choice(MONGOL[0], k))
    return out.astype(str)


def _id_cards(rng, area: np.ndarray, birth_year: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Fake but well-formed 18-character ids: area, birth date, sequence (odd = male), check."""
    n = len(area)
    month, day = rng.integers(1, 13, n), rng.integers(1, 29, n)
    seq = rng.integers(0, 500, n) * 2 + np.where(female, 0, 1)
    body = _cat(area, birth_year, _zfill(month, 2), _zfill(day, 2), _zfill(seq, 3))
    digits = np.frombuffer(body.astype("S17").tobytes(), np.uint8).reshape(n, 17).astype(np.int64) - 48
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    check = np.array(list("10X98765432"))[(digits * weights).sum(axis=1) % 11]
    return _cat(body, check)


def _phones(rng, n: int) -> np.ndarray:
    prefixes = [f"{a}{b}" for a in ("13", "15", "18") for b in "0123456789" if f"{a}{b}" != "154"]
    return _cat(rng.choice(prefixes, n), _zfill(rng.integers(0, 100_000_000, n), 8))


# ---------------------------------------------------------------------------------------------
# Roster (代表名册): every other kind refers to these arrays
# ---------------------------------------------------------------------------------------------

@dataclass
class Roster:
    pref: Pref
    n: int
    ids: np.ndarray
    level: np.ndarray
    congress: np.ndarray
    county: np.ndarray  # index into pref.counties
    county_name: np.ndarray
    town_name: np.ndarray
    start: np.ndarray  # term start (day number)
    leave: np.ndarray  # first day not serving (status date, or after term end)
    initial: np.ndarray  # elected at the start of the term (not by-election)
    leader: np.ndarray
    group: np.ndarray  # group index, members contiguous
    station: np.ndarray  # station index, members contiguous
    cong_codes: np.ndarray  # unique congress codes
    cong_idx: np.ndarray  # per deputy, index into cong_codes (members contiguous)
    cong_start: np.ndarray  # per congress: first member row, member count, term start
    cong_len: np.ndarray
    cong_term_start: np.ndarray
    towns: list  # per county: township names
    frame: pl.DataFrame = None

    def serving_window(self, lo: int, hi: int):
        """Per deputy, the part of [lo, hi] they served (lo > hi when none)."""
        return np.maximum(self.start, lo), np.minimum(self.leave - 1, hi)


LEVEL_ORDER = ("全国", "自治区", "州市", "县区", "乡镇")


def _roster(rng, p: Pref, n: int, scale: str) -> Roster:
    nc = len(p.counties)
    n_nat = round(n * 0.005)
    n_pref = max(12, round(n * 0.05))  # ≥10 serving so motions (lead + 9) and observers work in tiny
    n_cty = max(3, round(n * 0.25))
    n_town = max(1, n - n_nat - n_pref - n_cty)
    counts = [n_nat // 2, n_nat - n_nat // 2, n_pref, n_cty, n_town]
    n = sum(counts)
    rank = np.repeat(np.arange(5), counts)

    w = rng.gamma(2.0, 1.0, nc)
    w[0] *= 2  # the prefecture seat is bigger
    if scale == "tiny":
        w[2:] = 0  # keep tiny congresses few and non-trivial
    county = rng.choice(nc, size=n, p=w / w.sum())
    town_deps = np.bincount(county[rank == 4], minlength=nc)
    n_towns = np.clip(np.rint(town_deps / TOWN_DIVISOR[scale]), 1, 30).astype(int)
    towns = []
    for ci, (_, cname) in enumerate(p.counties):
        stems = rng.choice(TOWN_STEMS, n_towns[ci], replace=False)
        district = cname.endswith(("区", "市"))
        suffix = rng.choice(["街道", "镇", "乡"] if district else ["镇", "乡", "乡"], n_towns[ci])
        towns.append(_cat(stems, suffix))
    town = (rng.random(n) * n_towns[county]).astype(np.int64)

    order = np.lexsort((town, county, rank))
    rank, county, town = rank[order], county[order], town[order]
    level = np.array(LEVEL_ORDER)[rank]
    ccode = np.array([c for c, _ in p.counties])[county]
    cname = np.array([c for _, c in p.counties])[county]
    town_offsets = np.concatenate([[0], np.cumsum(n_towns)[:-1]])
    town_name = np.concatenate(towns)[town_offsets[county] + town]
    congress = np.select(
        [rank <= 1, rank == 2, rank == 3],
        [np.full(n, "650000-14"), np.full(n, f"{p.code}-15"), _cat(ccode, "-18")],
        _cat(ccode, _zfill(town + 1, 3), "-19"),
    )
    # Members of a congress are contiguous after the sort; keep first-seen order.
    cong_codes, first, cong_idx = np.unique(congress, return_index=True, return_inverse=True)
    ordr = np.argsort(first)
    remap = np.empty_like(ordr)
    remap[ordr] = np.arange(len(ordr))
    cong_codes, cong_idx = cong_codes[ordr], remap[cong_idx]
    cong_start = np.sort(first)
    cong_len = np.bincount(cong_idx, minlength=len(cong_codes))
    cong_term_start = _ymd(2022, 1, 1) + rng.integers(5, 25, len(cong_codes))
    cong_term_start[cong_codes == "650000-14"] = _ymd(2022, 1, 20)  # one region-wide congress

    start = cong_term_start[cong_idx].astype(np.int64)
    stable = (rank == 2) & (scale == "tiny")  # tiny: keep the prefecture congress at full strength
    by_election = (rng.random(n) < 0.04) & ~stable
    start = np.where(by_election, _uniform_days(rng, np.full(n, _d("2022-07-01")), _d("2025-09-30")), start)
    lo = start + 90
    left = (rng.random(n) < 0.03) & (lo <= END) & ~stable
    status_date = _uniform_days(rng, np.minimum(lo, END), END)
    status = np.where(left, _pick(rng, ["辞职", "调离", "去世", "罢免"], [40, 45, 10, 5], n), "在任")
    leave = np.where(left, status_date, TERM_END + 1)

    female = rng.random(n) < 0.3
    eth_names, eth_w = zip(*p.ethnic)
    ethnicity = _pick(rng, eth_names, eth_w, n)
    names = _names(rng, ethnicity, female)
    birth_year = np.clip(np.rint(rng.normal(1975, 8, n)), 1960, 1995).astype(np.int64)
    p_leader = np.array([0.5, 0.5, 0.35, 0.2, 0.12])[rank]
    p_grass = np.array([0.2, 0.2, 0.35, 0.55, 0.72])[rank]
    leader = rng.random(n) < p_leader
    grassroots = (~leader) & (rng.random(n) < p_grass / (1 - p_leader))
    group = np.arange(n) // 10
    station = np.arange(n) // 15
    electoral = np.where(rank <= 1, p.name, np.where(rank == 2, cname, town_name))
    ids = _cat(p.code, "D", _zfill(np.arange(1, n + 1), 6))

    frame = pl.DataFrame({
        "deputy_id": ids, "name": names, "gender": np.where(female, "女", "男"),
        "ethnicity": ethnicity, "birth_year": birth_year, "level": level,
        "congress_code": congress, "electoral_unit": electoral, "is_grassroots": grassroots,
        "is_leader": leader, "group_id": _cat(p.code, "G", _zfill(group + 1, 4)),
        "station_id": _cat(p.code, "S", _zfill(station + 1, 4)), "county": cname,
    }).with_columns(
        _date_series(start, name="term_start"),
        _date_series(np.full(n, TERM_END), name="term_end"),
        pl.Series("status", status),
        _date_series(status_date, left, name="status_date"),
        pl.Series("id_card_no", _id_cards(rng, ccode, birth_year, female)),
        pl.Series("phone", _phones(rng, n)),
        pl.lit(None, pl.Int32).alias("_year"),
    )
    return Roster(p, n, ids, level, congress, county, cname, town_name, start, leave, ~by_election,
                  leader, group, station, cong_codes, cong_idx, cong_start, cong_len,
                  cong_term_start, towns, frame)


def _congress_level(code: str) -> str:
    return {"14": "自治区", "15": "州市", "18": "县区", "19": "乡镇"}[code.rsplit("-", 1)[1]]


# ---------------------------------------------------------------------------------------------
# Meetings and attendance
# ---------------------------------------------------------------------------------------------

def _meetings(rng, ro: Roster, scale: str) -> pl.DataFrame:
    rows = []
    for ci, cg in enumerate(ro.cong_codes):
        level = _congress_level(cg)
        if level == "自治区":
            continue  # the region's own congress: not a prefecture's record
        term = _cn_num(int(cg.rsplit("-", 1)[1]))
        with_sc = level in ("州市", "县区") and not (scale == "tiny" and level == "县区")
        sc_no = 0
        for yi, year in enumerate(YEARS):
            rs = int(ro.cong_term_start[ci]) if year == 2022 else _ymd(year, 1, 5) + int(rng.integers(0, 65))
            dur = {"州市": rng.integers(3, 6), "县区": rng.integers(2, 5), "乡镇": rng.integers(1, 3)}[level]
            re_ = rs + int(dur) - 1
            rows.append((f"{cg}-R{year}", "人民代表大会会议", cg, f"第{term}届第{_cn_num(yi + 1)}次", rs, re_))
            if not with_sc:
                continue
            k = int(rng.integers(6, 9))
            for j, month in enumerate(np.sort(rng.choice(np.arange(4, 13), k, replace=False))):
                st = _ymd(year, int(month), 1) + int(rng.integers(0, 25))
                sc_no += 1
                rows.append((f"{cg}-C{year}-{j + 1:02d}", "常委会会议", cg,
                             f"第{term}届常委会第{_cn_num(sc_no)}次", st, st + int(rng.integers(0, 2))))
    ids, types, congs, sess, st, en = zip(*rows)
    st, en = np.array(st), np.array(en)
    return pl.DataFrame({"meeting_id": ids, "meeting_type": types, "congress_code": congs,
                         "session_no": sess}).with_columns(
        _date_series(st, name="start_date"), _date_series(en, name="end_date"),
        pl.Series("_day", st), pl.Series("_year", _date_series(st).dt.year()),
    )


def _attendance(rng, ro: Roster, meetings: pl.DataFrame) -> pl.DataFrame:
    cong_pos = {c: i for i, c in enumerate(ro.cong_codes)}
    parts = []
    # 人民代表大会会议: every member serving on the first day.
    rm = meetings.filter(pl.col("meeting_type") == "人民代表大会会议")
    ci = np.array([cong_pos[c] for c in rm["congress_code"]])
    mi, dep = _expand(ro.cong_start[ci], ro.cong_len[ci])
    day = rm["_day"].to_numpy()[mi]
    keep = (ro.start[dep] <= day) & (ro.leave[dep] > day)
    mi, dep = mi[keep], dep[keep]
    k = len(dep)
    status = _pick(rng, ["出席", "请假", "缺席"], [94, 5, 1], k)
    speeches = np.where(status == "出席", rng.choice(6, k, p=[.4, .25, .17, .1, .05, .03]), 0)
    parts.append(pl.DataFrame({"meeting_id": rm["meeting_id"].to_numpy()[mi], "deputy_id": ro.ids[dep],
                               "role": np.full(k, "出席"), "status": status, "speeches": speeches,
                               "_year": rm["_year"].to_numpy()[mi]}))
    # 常委会会议: 8–12 observers, preferring deputies who have not observed yet this term.
    sc = meetings.filter(pl.col("meeting_type") == "常委会会议").sort("congress_code", "_day", "meeting_id")
    observed = np.zeros(ro.n, np.int64)
    m_ids, d_idx, years = [], [], []
    for mid, cg, day, year in sc.select("meeting_id", "congress_code", "_day", "_year").iter_rows():
        c = cong_pos[cg]
        members = np.arange(ro.cong_start[c], ro.cong_start[c] + ro.cong_len[c])
        cand = members[(ro.start[members] <= day) & (ro.leave[members] > day)]
        take = min(len(cand), int(rng.integers(8, 13)))
        prio = observed[cand] + rng.random(len(cand)) * 1.5
        chosen = np.sort(cand[np.argsort(prio, kind="stable")[:take]])
        observed[chosen] += 1
        m_ids += [mid] * take
        d_idx.append(chosen)
        years += [year] * take
    if m_ids:
        d = np.concatenate(d_idx)
        k = len(d)
        parts.append(pl.DataFrame({"meeting_id": m_ids, "deputy_id": ro.ids[d], "role": np.full(k, "列席"),
                                   "status": _pick(rng, ["出席", "请假"], [93, 7], k),
                                   "speeches": rng.choice(4, k, p=[.5, .3, .15, .05]), "_year": years}))
    return pl.concat(parts, how="vertical_relaxed").with_columns(pl.col("_year").cast(pl.Int32))


# ---------------------------------------------------------------------------------------------
# Motions and suggestions
# ---------------------------------------------------------------------------------------------

def _motions(rng, ro: Roster, meetings: pl.DataFrame, scale: str) -> pl.DataFrame:
    p = ro.pref
    rm = {(c, y): (mid, s, e) for mid, c, y, s, e in meetings.filter(
        pl.col("meeting_type") == "人民代表大会会议").select(
        "meeting_id", "congress_code", "_year", "_day", pl.col("end_date").cast(pl.Int32)).iter_rows()}
    rows = []
    for ci, cg in enumerate(ro.cong_codes):
        level = _congress_level(cg)
        if level not in ("州市", "县区"):
            continue
        members = np.arange(ro.cong_start[ci], ro.cong_start[ci] + ro.cong_len[ci])
        place = p.short if level == "州市" else ro.county_name[members[0]]
        for year in YEARS:
            mid, rs, re_ = rm[(cg, year)]
            cand = members[(ro.start[members] <= rs) & (ro.leave[members] > rs)]
            if len(cand) < 10:
                continue
            n_m = int(rng.integers(1, 4) if scale == "tiny" else
                      (rng.integers(2, 6) if level == "州市" else rng.integers(0, 3)))
            for j in range(n_m):
                k = min(len(cand) - 1, int(rng.integers(9, 15)))
                chosen = rng.choice(cand, k + 1, replace=False)
                decision = str(_pick(rng, ["列为议案", "转为建议", "撤回"], [80, 17, 3], 1)[0])
                if level == "州市" and rng.random() < 0.5:
                    title = f"关于制定《{p.short}{rng.choice(MOTION_TOPICS)}》的议案"
                else:
                    cat = CATEGORIES[int(rng.integers(len(CATEGORIES)))]
                    verb, obj = cat[3][int(rng.integers(len(cat[3])))]
                    title = f"关于{verb}{place}{obj}的议案"
                sub = rs + int(rng.integers(0, re_ - rs + 1))
                assigned = re_ + int(rng.integers(10, 30)) if decision != "撤回" else None
                concluded = None
                if assigned is not None and rng.random() < 0.95:
                    concluded = assigned + int(rng.integers(90, 300))
                    concluded = concluded if concluded <= END else None
                rows.append((f"{cg}-YA{year}-{j + 1:02d}", mid, ro.ids[chosen[0]],
                             "、".join(ro.ids[np.sort(chosen[1:])]), title, sub, decision,
                             assigned, concluded, year))
    cols = list(zip(*rows))
    def to_date(v):
        return pl.Series([None if x is None else EPOCH + timedelta(days=int(x)) for x in v],
                                      dtype=pl.Date)
    return pl.DataFrame({
        "motion_id": cols[0], "meeting_id": cols[1], "lead_deputy_id": cols[2], "cosigner_ids": cols[3],
        "title": cols[4], "submitted_on": to_date(cols[5]), "decision": cols[6],
        "assigned_on": to_date(cols[7]), "concluded_on": to_date(cols[8]),
        "_year": pl.Series(cols[9], dtype=pl.Int32),
    })


def _r_meeting_days(ro: Roster, meetings: pl.DataFrame) -> np.ndarray:
    """[congress index, year index] -> first day of that year's 人民代表大会会议 (-1 if none)."""
    out = np.full((len(ro.cong_codes), len(YEARS)), -1, np.int64)
    pos = {c: i for i, c in enumerate(ro.cong_codes)}
    for c, y, day in meetings.filter(pl.col("meeting_type") == "人民代表大会会议").select(
            "congress_code", "_year", "_day").iter_rows():
        out[pos[c], y - YEARS[0]] = day
    return out


def _suggestions(rng, ro: Roster, meetings: pl.DataFrame) -> pl.DataFrame:
    p = ro.pref
    lag = p.code in LAGGING
    r_days = _r_meeting_days(ro, meetings)
    deps, days, chans, years = [], [], [], []
    for yi, year in enumerate(YEARS):
        lo, hi = ro.serving_window(*_year_bounds(year))
        cnt = rng.poisson(0.5, ro.n) * (lo <= hi)
        dep = np.repeat(np.arange(ro.n), cnt)
        day = _uniform_days(rng, lo[dep], hi[dep])
        chan = _pick(rng, ["会议期间", "闭会期间", "网络平台", "家站"], [40, 35, 15, 10], len(dep))
        # 会议期间: submitted during the deputy's own congress session, if there is one.
        rd = r_days[ro.cong_idx[dep], yi]
        during = (chan == "会议期间") & (rd >= 0) & (rd >= ro.start[dep]) & (rd < ro.leave[dep])
        day = np.where(during, rd + rng.integers(0, 2, len(dep)), day)
        chan = np.where((chan == "会议期间") & ~during, "闭会期间", chan)
        order = np.lexsort((dep, day))
        deps.append(dep[order]), days.append(day[order]), chans.append(chan[order])
        years.append(np.full(len(dep), year))
    dep, sub, chan, year = (np.concatenate(a) for a in (deps, days, chans, years))
    n = len(dep)
    seq = np.concatenate([np.arange(1, (year == y).sum() + 1) for y in YEARS])
    sid = _cat(p.code, "JY", year, _zfill(seq, 5))

    # Handling: assignment, due date (+3 calendar months), extension, reply.
    assigned = sub + rng.integers(5, 21, n)
    has_assigned = assigned <= END
    due = _add_months(assigned, 3)
    u = rng.random(n)
    p_late, p_ext = (0.2, 0.06) if lag else (0.08, 0.05)
    is_ext = u < p_ext
    is_late = (u >= p_ext) & (u < p_ext + p_late)
    ext_due = _add_months(assigned, 6) - rng.integers(0, 40, n)
    on_time = np.minimum(assigned + np.maximum(7, np.rint(rng.gamma(4.0, 17.7 if lag else 12.3, n))), due)
    late = due + rng.integers(1, 150 if lag else 90, n)
    within_ext = due + 1 + (rng.random(n) * (ext_due - due)).astype(np.int64)
    replied = np.where(is_ext, within_ext, np.where(is_late, late, on_time))
    has_reply = has_assigned & (replied <= END)
    sat_p = [65, 20, 8, 7] if lag else [80, 14, 2, 4]
    concluded = replied + rng.integers(0, 30, n)
    has_concluded = has_reply & (concluded <= END) & (rng.random(n) < 0.93)

    # Who handles it: prefecture bureaus for prefecture-level deputies, else mostly county bureaus.
    cat_w = np.array([c[2] for c in CATEGORIES], float)
    cat = rng.choice(len(CATEGORIES), n, p=cat_w / cat_w.sum())
    bureaus = np.array([c[1] for c in CATEGORIES])
    county_level = np.isin(ro.level[dep], ["县区", "乡镇"])
    place = np.where(county_level, np.where(ro.level[dep] == "乡镇", _cat(ro.county_name[dep], ro.town_name[dep]),
                                            ro.county_name[dep]), p.short)
    # Titles name known problems in varied words (devtools/synth/topics.py); own generator, seeded from this world.
    cat, title = topics.titles(p.code, cat, place, seed=(int(sub.sum()) + int(p.code)) % 2**32)
    local = county_level & (rng.random(n) < 0.7)
    unit_prefix = np.where(local, ro.county_name[dep], p.short)
    n_co = rng.choice(3, n, p=[.6, .3, .1])
    nc = len(CATEGORIES)
    off1 = rng.integers(1, nc, n)
    off2 = (off1 - 1 + rng.integers(1, nc - 1, n)) % (nc - 1) + 1
    co1 = _cat(unit_prefix, bureaus[(cat + off1) % nc])
    co2 = _cat(unit_prefix, bureaus[(cat + off2) % nc])
    co_units = np.where(n_co == 0, "", np.where(n_co == 1, co1, _cat(co1, "、", co2)))

    # Title: drawn above from the known problems; this draw is kept so that the other columns stay as they were.
    t_len = np.array([len(c[3]) for c in CATEGORIES])
    t_off = np.concatenate([[0], np.cumsum(t_len)[:-1]])
    ti = t_off[cat] + (rng.random(n) * t_len[cat]).astype(np.int64)
    del ti  # drawn to keep the generator's stream: the title comes from topics.titles above

    # Cosigners from the same congress, serving on the submission day.
    n_cos = rng.choice(5, n, p=[.45, .25, .15, .1, .05])
    row, _ = _expand(np.zeros(n), n_cos)
    ci = ro.cong_idx[dep[row]]
    cos = ro.cong_start[ci] + (rng.random(len(row)) * ro.cong_len[ci]).astype(np.int64)
    ok = (cos != dep[row]) & (ro.start[cos] <= sub[row]) & (ro.leave[cos] > sub[row])
    cos_str = (pl.DataFrame({"r": row[ok], "c": ro.ids[cos[ok]]}).unique().sort("r", "c")
               .group_by("r", maintain_order=True).agg(pl.col("c").str.join("、")))
    cos_col = np.full(n, None, object)
    cos_col[cos_str["r"].to_numpy()] = cos_str["c"].to_numpy()

    return pl.DataFrame({
        "suggestion_id": sid, "lead_deputy_id": ro.ids[dep], "cosigner_ids": pl.Series(cos_col.tolist(), dtype=pl.String),
        "channel": chan, "category": np.array([c[0] for c in CATEGORIES])[cat], "title": title,
    }).with_columns(
        _date_series(sub, name="submitted_on"),
        _date_series(assigned, has_assigned, name="assigned_on"),
        _masked(_cat(unit_prefix, bureaus[cat]), has_assigned).alias("lead_unit"),
        _masked(co_units, has_assigned & (n_co > 0)).alias("co_units"),
        pl.Series("is_key_supervised", rng.random(n) < 0.05),
        _date_series(ext_due, has_assigned & is_ext, name="extended_due"),
        _date_series(replied, has_reply, name="replied_on"),
        _masked(_pick(rng, list("ABCD"), [55, 30, 10, 5], n), has_reply).alias("reply_class"),
        _masked(_pick(rng, ["满意", "基本满意", "不满意", "未反馈"], sat_p, n), has_reply).alias("satisfaction"),
        _date_series(concluded, has_concluded, name="concluded_on"),
        pl.Series("county", ro.county_name[dep]),
        pl.Series("_year", year, dtype=pl.Int32),
    )


# ---------------------------------------------------------------------------------------------
# Activities, liaison, stations, receptions, trainings, projects
# ---------------------------------------------------------------------------------------------

def _quarters():
    starts = [_ymd(y, m, 1) for y in YEARS for m in (1, 4, 7, 10)]
    ends = starts[1:] + [END + 1]
    return np.array(starts), np.array(ends)


def _activities(rng, ro: Roster, scale: str) -> pl.DataFrame:
    q_start, q_end = _quarters()
    other = 0.3 if scale == "tiny" else 1.0  # fewer non-group activities keeps tiny small
    nq = len(q_start)
    acts = []  # (range start, range length, participation prob, date, organiser, group, type) per activity

    def add(r_start, r_len, prob, q, organiser, group, types, type_p):
        k = len(q)
        day = q_start[q] + (rng.random(k) * (q_end[q] - q_start[q])).astype(np.int64)
        acts.append((r_start, r_len, prob, day, np.full(k, organiser), group,
                     _pick(rng, types, type_p, k)))

    # Group collective activities: 1–2 per group-quarter, ~10% of group-quarters without one.
    n_groups = ro.group.max() + 1
    g = np.repeat(np.arange(n_groups), nq)
    q = np.tile(np.arange(nq), n_groups)
    cnt = rng.choice(3, len(g), p=[.1, .5, .4])
    g, q = np.repeat(g, cnt), np.repeat(q, cnt)
    g_len = np.minimum(10, ro.n - 10 * g)
    add(10 * g, g_len, np.full(len(g), 0.85), q, "代表小组", _cat(ro.pref.code, "G", _zfill(g + 1, 4)),
        ["学习", "视察", "专题调研", "执法检查", "走访选民", "座谈", "述职"], [20, 20, 15, 5, 20, 15, 5])
    # Standing-committee bodies and special committees invite some deputies of their congress.
    own = np.array([_congress_level(c) in ("州市", "县区") for c in ro.cong_codes])
    ci = np.repeat(np.nonzero(own)[0], nq)
    q = np.tile(np.arange(nq), own.sum())
    cnt = rng.poisson(1.2 * other, len(ci))
    ci, q = np.repeat(ci, cnt), np.repeat(q, cnt)
    prob = np.minimum(1.0, rng.integers(5, 16, len(ci)) / ro.cong_len[ci])
    for organiser, share in (("常委会工作机构", 0.6), ("专门委员会", 0.4)):
        m = rng.random(len(ci)) < share
        add(ro.cong_start[ci[m]], ro.cong_len[ci[m]], prob[m], q[m], organiser, np.full(m.sum(), None),
            ["视察", "专题调研", "执法检查", "座谈"], [30, 35, 20, 15])
    # Station activities with the deputies attached to the station.
    n_st = ro.station.max() + 1
    s = np.repeat(np.arange(n_st), nq)
    q = np.tile(np.arange(nq), n_st)
    cnt = rng.poisson(0.8 * other, len(s))
    s, q = np.repeat(s, cnt), np.repeat(q, cnt)
    add(15 * s, np.minimum(15, ro.n - 15 * s), np.full(len(s), 0.6), q, "家室站", np.full(len(s), None),
        ["走访选民", "座谈", "其他"], [50, 35, 15])

    r_start, r_len, prob, day, org, grp, typ = (np.concatenate([a[i] for a in acts]) for i in range(7))
    order = np.argsort(day, kind="stable")  # ids follow the calendar
    r_start, r_len, prob, day, org, grp, typ = (a[order] for a in (r_start, r_len, prob, day, org, grp, typ))
    aid = _cat(ro.pref.code, "HD", _zfill(np.arange(1, len(day) + 1), 7))
    a, dep = _expand(r_start, r_len)
    keep = (ro.start[dep] <= day[a]) & (ro.leave[dep] > day[a]) & (rng.random(len(a)) < prob[a])
    a, dep = a[keep], dep[keep]
    return pl.DataFrame({"activity_id": aid[a], "deputy_id": ro.ids[dep], "organiser": org[a],
                         "group_id": pl.Series(grp[a].tolist(), dtype=pl.String), "activity_type": typ[a]}).with_columns(
        _date_series(day[a], name="activity_date"), pl.Series("_year", _date_series(day[a]).dt.year()))


def _liaison(rng, ro: Roster) -> tuple[pl.DataFrame, pl.DataFrame]:
    pref_level = np.nonzero(ro.level == "州市")[0]
    m = int(np.clip(round(len(pref_level) * 0.3), 3, 100))
    eth_names, eth_w = zip(*ro.pref.ethnic)
    names = _names(rng, _pick(rng, eth_names, eth_w, m), rng.random(m) < 0.3)
    names = np.array([f"{nm}{i + 1}" if nm in names[:i] else nm for i, nm in enumerate(names)])  # unique
    roles = _pick(rng, ["常委会组成人员", "专门委员会", "一府一委两院"], [70, 20, 10], m)
    assign, contacts = [], []
    for year in YEARS:
        y0, y1 = _year_bounds(year)
        lo, hi = ro.serving_window(y0, y1)
        pool = pref_level[lo[pref_level] <= hi[pref_level]]
        if len(pool) < 3 * m:
            pool = np.nonzero(lo <= hi)[0]
        dep = rng.choice(pool, 3 * m, replace=len(pool) < 3 * m)
        mem = np.repeat(np.arange(m), 3)
        assign.append(pl.DataFrame({"member_name": names[mem], "member_role": roles[mem],
                                    "deputy_id": ro.ids[dep], "year": np.full(3 * m, year)}))
        # ~80% of pairs meet the "≥2 contacts a year" rule.
        good = rng.random(3 * m) < 0.8
        cnt = np.where(good, 2 + rng.poisson(1.0, 3 * m), rng.choice(2, 3 * m))
        pair = np.repeat(np.arange(3 * m), cnt)
        day = _uniform_days(rng, lo[dep[pair]], np.maximum(lo[dep[pair]], hi[dep[pair]]))
        contacts.append(pl.DataFrame({"member_name": names[mem[pair]], "deputy_id": ro.ids[dep[pair]],
                                      "method": _pick(rng, ["走访", "电话", "座谈", "微信", "其他"],
                                                      [35, 25, 20, 15, 5], len(pair))}).with_columns(
            _date_series(day, name="contact_date"), pl.lit(year, pl.Int32).alias("_year")))
    liaison = (pl.concat(assign).unique(["member_name", "member_role", "deputy_id", "year"], maintain_order=True)
               .with_columns(pl.col("year").cast(pl.Int64), pl.col("year").cast(pl.Int32).alias("_year")))
    contacts = (pl.concat(contacts).unique(["member_name", "deputy_id", "contact_date"], maintain_order=True)
                .sort("contact_date", "member_name", "deputy_id")
                .select("member_name", "deputy_id", "contact_date", "method", "_year"))
    return liaison, contacts


def _stations(rng, ro: Roster) -> pl.DataFrame:
    n_st = ro.station.max() + 1
    first = 15 * np.arange(n_st)
    stype = _pick(rng, ["代表联络站", "代表之家", "代表工作室"], [70, 20, 10], n_st)
    county, town = ro.county_name[first], ro.town_name[first]
    name = np.where(stype == "代表联络站", _cat(town, "人大代表联络站"),
                    np.where(stype == "代表之家", _cat(county, town, "人大代表之家"),
                             _cat(county, town, "人大代表工作室")))
    flags = np.ones((n_st, len(STATION_FLAGS)), bool)
    partial = rng.random(n_st) >= 0.75  # ~75% meet all ten
    flags[partial] = rng.random((partial.sum(), len(STATION_FLAGS))) < 0.8
    flags[partial, rng.integers(0, len(STATION_FLAGS), partial.sum())] = False
    # Several stations in one township: number them "（2）", "（3）".
    name = name.astype(object)
    seen: dict[str, int] = {}
    for i, nm in enumerate(name.tolist()):
        seen[nm] = seen.get(nm, 0) + 1
        if seen[nm] > 1:
            name[i] = f"{nm}（{seen[nm]}）"
    est = _uniform_days(rng, np.full(n_st, _d("2018-01-01")), _d("2023-12-31"))
    return pl.DataFrame({"station_id": _cat(ro.pref.code, "S", _zfill(np.arange(1, n_st + 1), 4)),
                         "name": name, "station_type": stype, "county": county, "township": town,
                         **{col: flags[:, i] for i, (col, _) in enumerate(STATION_FLAGS)}}).with_columns(
        _date_series(est, name="established_on"), pl.lit(None, pl.Int32).alias("_year"))


def _receptions(rng, ro: Roster) -> pl.DataFrame:
    frames = []
    for year in YEARS:
        lo, hi = ro.serving_window(*_year_bounds(year))
        # Leaders enter a station at least once a year with ~85% probability.
        cnt = np.where(ro.leader, np.where(rng.random(ro.n) < 0.85, 1 + rng.poisson(0.8, ro.n), 0),
                       rng.poisson(1.0, ro.n)) * (lo <= hi)
        dep = np.repeat(np.arange(ro.n), cnt)
        day = _uniform_days(rng, lo[dep], hi[dep])
        k = len(dep)
        visitors = 1 + rng.poisson(8, k)
        collected = rng.binomial(visitors, 0.3)
        frames.append(pl.DataFrame({
            "station_id": _cat(ro.pref.code, "S", _zfill(ro.station[dep] + 1, 4)), "deputy_id": ro.ids[dep],
            "visitors": visitors, "opinions_collected": collected,
            "opinions_resolved": rng.binomial(collected, 0.85)}).with_columns(
            _date_series(day, name="reception_date"), pl.lit(year, pl.Int32).alias("_year")))
    return (pl.concat(frames).unique(["station_id", "deputy_id", "reception_date"], maintain_order=True)
            .sort("reception_date", "station_id", "deputy_id")
            .select("station_id", "deputy_id", "reception_date", "visitors", "opinions_collected",
                    "opinions_resolved", "_year"))


def _trainings(rng, ro: Roster) -> pl.DataFrame:
    code, n = ro.pref.code, ro.n
    ids, deps, types, days = [], [], [], []

    def add(tid, dep, ttype, day):
        ids.append(np.asarray(tid)), deps.append(np.asarray(dep)), days.append(np.asarray(day))
        types.append(np.full(len(dep), ttype))

    # Sessions of each congress right after the term starts (the region's congress: fixed dates).
    nc = len(ro.cong_codes)
    rz_day = ro.cong_term_start + rng.integers(20, 60, nc)
    lz_day = ro.cong_term_start + rng.integers(120, 300, nc)
    region = ro.cong_codes == "650000-14"
    rz_day[region], lz_day[region] = _d("2022-03-15"), _d("2022-07-12")
    c = ro.cong_idx
    for ttype, sday, share, tag in (("任职培训", rz_day, 0.95, "RZ"), ("履职培训", lz_day, 0.85, "LZ")):
        d = sday[c]
        m = ro.initial & (ro.start <= d) & (ro.leave > d) & (rng.random(n) < share)
        add(_cat(ro.congress[m], f"-{tag}2022"), np.nonzero(m)[0], ttype, d[m])
    # Deputies elected mid-term join the prefecture's next half-yearly session.
    for ttype, md, share, tag, delay in (("任职培训", ((6, 20), (11, 20)), 0.95, "RZ", 7),
                                          ("履职培训", ((7, 15), (12, 5)), 0.85, "LZ", 30)):
        sdays = np.array([_ymd(y, mm, dd) for y in YEARS for mm, dd in md])
        slabels = np.array([f"{code}-{tag}{y}H{h + 1}" for y in YEARS for h in range(2)])
        k = np.searchsorted(sdays, ro.start + delay)
        ok = ~ro.initial & (k < len(sdays))
        kk = np.minimum(k, len(sdays) - 1)
        ok &= (sdays[kk] < ro.leave) & (sdays[kk] <= ro.start + 365) & (rng.random(n) < share)
        add(slabels[kk[ok]], np.nonzero(ok)[0], ttype, sdays[kk[ok]])
    # Thematic sessions, 2–4 per year.
    p_level = np.select([ro.level == "州市", ro.level == "县区"], [0.35, 0.3], 0.08)
    for year in YEARS:
        y0 = _ymd(year, 1, 1)
        for j in range(int(rng.integers(2, 5))):
            day = y0 + 60 + int(rng.integers(0, 270))
            m = (ro.start <= day) & (ro.leave > day) & (rng.random(n) < p_level)
            add(np.full(m.sum(), f"{code}-ZT{year}-{j + 1}"), np.nonzero(m)[0], "专题培训", np.full(m.sum(), day))
    dep, day = np.concatenate(deps), np.concatenate(days)
    return (pl.DataFrame({"training_id": np.concatenate(ids), "deputy_id": ro.ids[dep],
                          "training_type": np.concatenate(types)})
            .with_columns(_date_series(day, name="training_date"), pl.Series("_year", _date_series(day).dt.year()))
            .sort("training_date", "training_id", "deputy_id"))


def _projects(rng, ro: Roster, scale: str) -> pl.DataFrame:
    p = ro.pref
    lag = p.code in LAGGING
    rows = []
    for year in YEARS:
        n_p = int(rng.integers(2, 5) if scale == "tiny" else rng.integers(10, 31))
        for k in range(n_p):
            level = str(_pick(rng, ["州市", "县区", "乡镇"], [20, 60, 20], 1)[0])
            ci = int(rng.integers(len(p.counties)))
            place = {"州市": p.short, "县区": p.counties[ci][1],
                     "乡镇": p.counties[ci][1] + str(rng.choice(ro.towns[ci]))}[level]
            voted = _ymd(year, 1, 10) + int(rng.integers(0, 65))
            seats = {"州市": (250, 450), "县区": (150, 250), "乡镇": (40, 70)}[level]
            total = int(rng.integers(*seats))
            against = min(total, int(rng.poisson(1.0)))
            if year == YEARS[-1]:
                status = str(_pick(rng, ["实施中", "已办结", "未实施"], [60, 35, 5], 1)[0])
            else:
                status = str(_pick(rng, ["实施中", "已办结", "未实施"], [8, 90, 2] if lag else [2, 97, 1], 1)[0])
            done = voted + int(rng.integers(150, 330)) if status == "已办结" else None
            if done is not None and done > END:
                status, done = "实施中", None
            rate = round(float(rng.uniform(85, 100)), 1) if done is not None else None
            rows.append((f"{p.code}MS{year}{k + 1:03d}", level, f"{place}{rng.choice(PROJECT_TOPICS)}",
                         voted, total - against, against, status, done, rate, year))
    cols = list(zip(*rows))
    def to_date(v):
        return pl.Series([None if x is None else EPOCH + timedelta(days=int(x)) for x in v],
                                      dtype=pl.Date)
    return pl.DataFrame({"project_id": cols[0], "level": cols[1], "name": cols[2],
                         "voted_on": to_date(cols[3]), "votes_for": pl.Series(cols[4], dtype=pl.Int64),
                         "votes_against": pl.Series(cols[5], dtype=pl.Int64), "status": cols[6],
                         "completed_on": to_date(cols[7]), "satisfaction_rate": pl.Series(cols[8], dtype=pl.Float64),
                         "_year": pl.Series(cols[9], dtype=pl.Int32)})


# ---------------------------------------------------------------------------------------------
# Reply histories (issue 18): drawn from a generator of their own (reply_rng), so that every other
# record of a seed stays as it was before reply records existed.
# ---------------------------------------------------------------------------------------------

# Prefectures that send reply records (答复记录); the others send only the single-reply columns of 建议.
# Within these, a share of suggestions still comes with the single-reply columns only (mixed).
REPLY_RECORD_PREFECTURES = frozenset({"650100", "652300", "652800", "653100", "654000"})
REPLY_RECORD_SHARE = 0.85
SUPERVISING_LEADERS = ["党政主要领导", "政府副职领导", "常委会领导", "主任会议"]
CONSULTATIONS = ["座谈", "走访", "电话", "书面", "未沟通"]
RATINGS = ["满意", "基本满意", "不满意", "未反馈"]


def _supervision(rr, suggestions: pl.DataFrame) -> pl.DataFrame:
    """督办领导 for most 重点督办 suggestions (seed 001: 2 by the principal leaders, 29 by deputy mayors,
    10 by the chairmen's meeting); some leave it empty."""
    n = suggestions.height
    leader = _pick(rr, SUPERVISING_LEADERS, [6, 64, 6, 24], n)
    named = suggestions["is_key_supervised"].to_numpy() & (rr.random(n) < 0.85)
    return suggestions.with_columns(_masked(leader, named).alias("supervising_leader"))


def _replies(rr, p: Pref, suggestions: pl.DataFrame) -> pl.DataFrame:
    """Every reply of the lead unit and each co-unit: interim replies for some, the formal reply (the
    single-reply columns' date, class and rating for the lead unit), 不满意 followed by re-handling for
    most, B replies with a planned year kept in it for many, a year late for some."""
    columns = {"suggestion_id": pl.String, "unit": pl.String, "reply_no": pl.Int64, "reply_type": pl.String,
               "replied_on": pl.Date, "reply_class": pl.String, "planned_year": pl.Int64,
               "consultation": pl.String, "result_satisfaction": pl.String, "attitude_satisfaction": pl.String,
               "feedback_on": pl.Date, "_year": pl.Int32}
    if p.code not in REPLY_RECORD_PREFECTURES:
        return pl.DataFrame(schema=columns)
    epoch = date(1970, 1, 1)
    rows = []
    for sid, assigned, replied, cls, sat, lead, co, year in suggestions.select(
            "suggestion_id", "assigned_on", "replied_on", "reply_class", "satisfaction", "lead_unit", "co_units",
            "_year").iter_rows():
        if replied is None or lead is None or rr.random() >= REPLY_RECORD_SHARE:
            continue  # not replied yet, or sent with the single-reply columns only
        a, r = (assigned - epoch).days, (replied - epoch).days
        units = [(lead, r, cls, sat)]
        for unit in [u for u in (co or "").split("、") if u]:
            # Co-units reply on their own, most a little before the lead unit, some later.
            own = max(a + 5, r + int(rr.integers(-30, 15)))
            units.append((unit, min(own, END), _pick(rr, list("ABCD"), [50, 30, 13, 7], 1)[0], None))
        for unit, day, klass, rating in units:
            mine: list[tuple] = []  # this unit's replies, numbered 1, 2, ...

            def add(kind, on, klass, rating, planned=None, mine=mine, unit=unit, sid=sid, year=year):
                return _reply_row(rr, mine, sid, unit, kind, on, klass, rating, planned, year)

            if rr.random() < 0.25 and day - a > 40:  # an interim reply first: it does not stop the clock
                add("阶段性答复", a + int(rr.integers(15, day - a - 10)), None, None)
            planned = None
            if klass == "B":
                planned = int((epoch + timedelta(days=day)).year + int(rr.integers(0, 2)))
            fed = add("正式答复", day, klass, rating, planned)
            if mine[-1][8] == "不满意" and fed is not None and rr.random() < 0.85:
                again = fed + int(rr.integers(20, 80))
                if again <= END:  # handled again after the deputy's 不满意
                    klass = _pick(rr, list("ABC"), [55, 33, 12], 1)[0]
                    planned = int((epoch + timedelta(days=again)).year + int(rr.integers(0, 2))) if klass == "B" else None
                    add("重新办理答复", again, klass, _pick(rr, RATINGS, [52, 33, 9, 6], 1)[0], planned)
            if planned is not None:  # a B promise: kept in its year for many, a year late for some
                u = rr.random()
                last_day = (date(planned, 12, 31) - epoch).days
                start = (mine[-1][4] - epoch).days + 30
                if u < 0.6 and start < last_day:
                    done = int(rr.integers(start, last_day + 1))
                elif u < 0.75:
                    done = last_day + int(rr.integers(20, 200))
                else:
                    done = None
                if done is not None and done <= END:
                    add("正式答复", done, "A", None)
            rows += mine
    return pl.DataFrame(rows, schema=columns, orient="row")


def _reply_row(rr, mine: list, sid, unit, kind, on, klass, rating, planned, year):
    """Append one reply of a unit (reply_no = its position); return the feedback day (None: no feedback)."""
    epoch = date(1970, 1, 1)
    fed = attitude = consult = None
    if kind != "阶段性答复":
        rating = rating or _pick(rr, RATINGS, [68, 20, 6, 6], 1)[0]
        attitude = _pick(rr, RATINGS, [74, 18, 3, 5], 1)[0]
        consult = _pick(rr, CONSULTATIONS, [22, 26, 30, 14, 8], 1)[0]
        fed = on + int(rr.integers(3, 25))
        if fed > END:  # not fed back by the end of the data: no rating yet
            rating, attitude, fed = "未反馈", "未反馈", None
        elif rating == "未反馈" and attitude == "未反馈":
            fed = None
    else:
        rating = None
    mine.append((sid, unit, len(mine) + 1, kind, epoch + timedelta(days=on), klass, planned, consult, rating,
                 attitude, epoch + timedelta(days=fed) if fed is not None else None, year))
    return fed


def _prefecture_frames(rng, p: Pref, n: int, scale: str, reply_rng=None) -> dict[str, pl.DataFrame]:
    rr = reply_rng if reply_rng is not None else np.random.default_rng([1, int(p.code), 18])
    ro = _roster(rng, p, n, scale)
    meetings = _meetings(rng, ro, scale)
    liaison, contacts = _liaison(rng, ro)
    frames = {
        "deputies": ro.frame,
        "meetings": meetings,
        "attendance": _attendance(rng, ro, meetings),
        "motions": _motions(rng, ro, meetings, scale),
        "suggestions": _suggestions(rng, ro, meetings),
        "activities": _activities(rng, ro, scale),
        "liaison": liaison,
        "contacts": contacts,
        "stations": _stations(rng, ro),
        "receptions": _receptions(rng, ro),
        "trainings": _trainings(rng, ro),
        "projects": _projects(rng, ro, scale),
    }
    # After every draw of the main generator, in its order: the reply histories use their own.
    frames["suggestions"] = _supervision(rr, frames["suggestions"])
    frames["replies"] = _replies(rr, p, frames["suggestions"])
    return frames

# The prefectures here are the seed's, no more and no fewer.
assert [p.code for p in PREFS] == list(reference.prefectures()), "devtools/synth/world.py PREFS differ from data/seeds/prefectures.csv"
