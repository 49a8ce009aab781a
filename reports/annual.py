"""The annual report's deputy-work section (seed 001, section 五), drafted from the published warehouse.

`draft(facts)` turns the figures into paragraphs in the register of seed 001 (一是/二是…, 182名, 2件,
5批次1320人次, 98.6%); a figure that is not all done is said plainly ("32件建议已答复30件，2件正在办理").
`write_annual(home, year, prefecture, out)` writes the Word draft with the appendix 附：数据来源.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lvzhi import warehouse
from lvzhi.home import Home
from reports import handling, wordfile
from reports.figures import Facts, Figure, ReportError
from reports.figures import collect as collect_figures
from reports.numbers import count, ordinal, percent, rate

LEADER_WORDS = {  # supervising_leader → how seed 001 writes it
    "党政主要领导": "党委、政府主要领导领衔督办{n}件",
    "政府副职领导": "政府副职领导领衔督办{n}件",
    "常委会领导": "常委会领导领衔督办{n}件",
    "主任会议": "常委会主任会议研究确定重点督办代表建议{n}件",
    "未注明": "另有{n}件重点督办建议未注明督办领导",
}
LEADER_WORDS_CITY = {"党政主要领导": "市委、市政府主要领导领衔督办{n}件", "政府副职领导": "各副市长领衔督办{n}件"}


@dataclass
class Part:
    heading: str  # 一是深化拓展“三联”机制
    sentences: list[str]

    @property
    def text(self) -> str:
        return f"{self.heading}。" + "".join(self.sentences)


def _done_sentence(what: str, unit: str, replied: float, concluded: float, total: float) -> str:
    """'3件议案全部办完并答复代表' or '32件建议已答复30件，2件正在办理' or '…全部答复代表，已办结30件，2件正在办理'."""
    total, replied, concluded = int(total), int(replied), int(concluded)
    if total == 0:
        return ""
    if replied == total and concluded == total:
        return f"{total}{unit}{what}全部办完并答复代表"
    if replied == total:
        return f"{total}{unit}{what}全部答复代表，已办结{concluded}{unit}，{total - concluded}{unit}正在办理"
    return f"{total}{unit}{what}已答复{replied}{unit}，{total - replied}{unit}正在办理"


def _motions_sentence(done: int, total: int) -> str:
    """'3件议案全部办结' or '3件议案已办结2件，1件正在办理'."""
    if done == total:
        return f"{total}件议案全部办结"
    return f"{total}件议案已办结{done}件，{total - done}件正在办理"


def _liaison(facts: Facts) -> Part:
    f = facts.figures
    sentences = []
    linked = int(facts.value("liaison_deputies"))
    if linked:
        sentence = f"{facts.scope.members}联系代表{count(linked)}名"
        other = int(facts.value("liaison_deputies_other"))
        if other:
            sentence += f"，专门委员会和“一府一委两院”联系代表{count(other)}名"
        compliance = f["liaison_compliance"]
        if compliance.denominator:
            if compliance.numerator == compliance.denominator:
                sentence += "，全年均联系两次以上"
            else:
                short = int(compliance.denominator - compliance.numerator)
                sentence += (f"，{count(compliance.denominator)}对联系中{count(compliance.numerator)}对全年联系两次以上"
                             f"（{percent(compliance.numerator, compliance.denominator)}），{short}对不足两次")
        sentences.append(sentence + "，常态化开展交流互动。")
    else:
        sentences.append(f"本年度未报送{facts.scope.members}联系代表的分工记录。")
    stations = int(facts.value("stations"))
    if stations:
        standard = f["station_standard"]
        sentence = f"建好用好人大代表“家站”{count(stations)}个"
        if standard.numerator == standard.denominator:
            sentence += "，全部达到“十有”标准"
        else:
            sentence += (f"，其中达到“十有”标准{count(standard.numerator)}个"
                         f"（{percent(standard.numerator, standard.denominator)}），"
                         f"{count(standard.denominator - standard.numerator)}个尚未全部达标")
        visits = f["leader_station_visits"]
        if visits.denominator:
            sentence += (f"；担任领导职务的代表{count(visits.denominator)}名中{count(visits.numerator)}名进站接待群众"
                         f"（{percent(visits.numerator, visits.denominator)}）")
        sentences.append(sentence + "，组织代表定期接待群众，察民情、听民意、解民忧。")
    person_times = int(facts.value("reports_person_times"))
    if person_times:
        sentences.append(f"坚持代表向选民述职活动，各级人大代表参加{count(person_times)}人次，"
                         "加强与选区选民联系，自觉接受监督。")
    else:
        sentences.append("本年度未报送代表向选民述职的活动记录。")
    return Part("深化拓展“三联”机制", sentences)


def _motions_suggestions(facts: Facts) -> Part:
    f = facts.figures
    city = facts.scope.body.startswith("市")
    sentences = []
    supervised = int(facts.value("key_supervised"))
    if facts.supervision_by_leader:
        words = {**LEADER_WORDS, **(LEADER_WORDS_CITY if city else {})}
        order = ["党政主要领导", "政府副职领导", "常委会领导", "主任会议", "未注明"]
        parts = [words[leader].format(n=facts.supervision_by_leader[leader]) for leader in order
                 if facts.supervision_by_leader.get(leader)]
        parts += [f"{leader}督办{n}件" for leader, n in facts.supervision_by_leader.items() if leader not in order]
        sentences.append("落实党政领导领衔办理、常委会领导领衔督办工作机制，" + "，".join(parts) + "。")
    elif supervised:
        sentences.append(f"落实党政领导领衔办理、常委会领导领衔督办工作机制，确定重点督办代表建议{count(supervised)}件。")

    motions = f["motions"]
    session = f["session_suggestions_replied"]
    session_done = f["session_suggestions_concluded"]
    between = f["between_suggestions_replied"]
    between_done = f["between_suggestions_concluded"]
    everything = f["suggestions_replied"]
    everything_done = f["suggestions_concluded"]
    motion_total = int(motions.denominator or 0)
    motion_done = int(motions.numerator or 0)
    if session.denominator:
        if motion_total and motion_done == motion_total and session.numerator == session.denominator \
                and session_done.numerator == session.denominator:
            sentences.append(f"{facts.year}年{facts.scope.congress}确定{count(motion_total)}件议案、"
                             f"{count(session.denominator)}件建议全部办完并答复代表，"
                             "一批代表关注、群众关心的重点难点问题得到解决。")
        else:
            said = []
            if motion_total:
                said.append(_motions_sentence(motion_done, motion_total))
            said.append(_done_sentence("建议", "件", session.numerator, session_done.numerator, session.denominator))
            sentences.append(f"{facts.year}年{facts.scope.congress}期间代表提出的" + "；".join(said) + "。")
        if between.denominator:
            sentences.append("闭会期间代表提出" + _done_sentence("建议", "件", between.numerator, between_done.numerator,
                                                           between.denominator) + "。")
    elif everything.denominator or motion_total:
        said = []
        if motion_total:
            said.append(_motions_sentence(motion_done, motion_total))
        if everything.denominator:
            said.append(_done_sentence("建议", "件", everything.numerator, everything_done.numerator,
                                       everything.denominator))
        sentences.append(f"{facts.year}年交办的" + "；".join(said) + "。")
    else:
        sentences.append(f"{facts.year}年无交办的代表议案建议记录。")

    replied = int(everything.numerator or 0)
    if replied:
        on_time = f["on_time"]
        satisfaction = f["satisfaction"]
        classes = "、".join(f"{label}{count(f[f'class_{cls}'].numerator)}件" for cls, label in
                            (("A", "已解决或基本解决"), ("B", "正在解决或列入计划"), ("C", "因条件限制暂难解决"),
                             ("D", "留作参考")) if f[f"class_{cls}"].numerator)
        sentence = f"{count(facts.value('handling_units'))}个承办单位已答复的{count(replied)}件建议中，{classes}"
        if on_time.denominator:
            if on_time.numerator == on_time.denominator:
                sentence += "，全部按期答复"
            else:
                sentence += (f"，按期答复率{percent(on_time.numerator, on_time.denominator)}"
                             f"（{count(on_time.denominator)}件中{count(on_time.numerator)}件按期）")
        if satisfaction.denominator:
            sentence += f"；代表对办理结果满意和基本满意的占{percent(satisfaction.numerator, satisfaction.denominator)}"
            dissatisfied = int(facts.value("dissatisfied"))
            if dissatisfied:
                sentence += f"，不满意{count(dissatisfied)}件"
        sentences.append(sentence + "。")
    return Part("办好代表议案建议", sentences)


def _trainings(facts: Facts) -> Part:
    batches = int(facts.value("training_batches"))
    person_times = int(facts.value("training_person_times"))
    if batches:
        sentence = (f"组织党校联合办班、基层培训、视频讲座等培训{count(batches)}批次{count(person_times)}人次，"
                    "提升各级代表的政治站位、理论素养、法治理念和专业能力。")
    else:
        sentence = "本年度未报送代表培训记录。"
    return Part("保证代表依法履职", [sentence])


def _projects(facts: Facts) -> Part:
    f = facts.figures
    district, township = int(facts.value("projects_district")), int(facts.value("projects_township"))
    completion = f["projects_completion"]
    if not completion.denominator:
        return Part("推进民生实事项目人大代表票决制", ["本年度未报送民生实事项目票决记录。"])
    voted = []
    if district:
        voted.append(f"各区县票决民生实事{count(district)}项")
    if township:
        voted.append(f"各乡镇票决民生实事{count(township)}项")
    others = int(completion.denominator) - district - township
    if others:
        voted.append(f"{'其他层级' if voted else ''}票决民生实事{count(others)}项")
    sentence = "，".join(voted)
    if not completion.numerator:
        sentence += "，均在实施中，尚无项目办结"
    else:
        sentence += f"，办结率{percent(completion.numerator, completion.denominator)}"
    if completion.numerator and completion.numerator != completion.denominator:
        sentence += f"（{count(completion.numerator)}项已办结，{count(completion.denominator - completion.numerator)}项正在实施）"
    rating = f["projects_rating"]
    if rating.value is not None:
        sentence += f"，测评代表满意率{rate(rating.value)}"
    return Part("推进民生实事项目人大代表票决制", [sentence + "，“为民作主”向“由民作主”转变取得了新成效。"])


def draft(facts: Facts) -> list[Part]:
    """The numbered parts (一是…四是) of the section, in seed 001's order."""
    return [_liaison(facts), _motions_suggestions(facts), _trainings(facts), _projects(facts)]


def title(facts: Facts) -> str:
    return f"{facts.scope.name}人大常委会{facts.year}年工作报告（代表工作部分·初稿）"


def collect(con, year: int, prefecture: str | None, as_of: date | None = None) -> Facts:
    """The section's figures and, for the attached table, the handling units' rows (reports/handling.py)."""
    facts = collect_figures(con, year, prefecture, as_of)
    units = handling.collect(con, year, prefecture, as_of)
    facts.units = units.units.to_dicts()
    facts.unit_notes = units.notes
    return facts


UNIT_COLUMNS = [("unit_name", "承办单位"), ("assigned", "交办"), ("replied", "已答复"), ("on_time", "按期答复"),
                ("class_a", "A"), ("class_b", "B"), ("class_c", "C"), ("class_d", "D"), ("satisfied", "满意"),
                ("dissatisfied", "不满意"), ("handled_again", "重新办理"), ("promises_kept", "承诺兑现")]


def write_annual(home: Home, year: int, prefecture: str | None, out: Path, as_of: date | None = None,
                 pdf: bool = False) -> tuple[Path, Facts]:
    """Write the Word draft (and a PDF beside it with pdf=True); returns the docx path and its figures."""
    con = warehouse.connect_published(home)
    try:
        facts = collect(con, year, prefecture, as_of)
    finally:
        con.close()
    data = render(facts)
    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise ReportError(f"年度报告初稿写成 Word 文件：输出文件名应以 .docx 结尾（收到 {out.name}）")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    if pdf:
        wordfile.to_pdf(out)
    return out, facts


def render(facts: Facts) -> bytes:
    doc = wordfile.Document(title(facts))
    doc.subtitle(f"（统计日 {facts.as_of.isoformat()} · 数据版本 {facts.version}）")
    doc.heading("五、改进代表联系机制，作用发挥增添新动力")
    doc.paragraph(f"{facts.scope.body}坚持尊重代表、依靠代表、服务代表，增强服务意识，优化保障机制，便利履职方式，"
                  "帮助代表提高履职能力、当好党和国家联系人民的桥梁。")
    for number, part in enumerate(draft(facts), start=1):
        doc.paragraph("".join(part.sentences), lead=f"{ordinal(number)}{part.heading}。")
    appendix(doc, facts)
    if facts.units:
        doc.heading("附：各承办单位代表建议办理情况")
        doc.paragraph(f"{facts.year}年交办的代表建议，按承办单位（主办、协办各计一次）统计，截至统计日 "
                      f"{facts.as_of.isoformat()}。“满意”含基本满意。" + "".join(facts.unit_notes),
                      small=True)
        doc.table([header for _, header in UNIT_COLUMNS],
                  [{header: str(row[key]) for key, header in UNIT_COLUMNS} for row in facts.units],
                  widths=[4.2] + [1.05] * (len(UNIT_COLUMNS) - 1), size=8)
    return doc.save()


def appendix_rows(facts: Facts) -> list[dict]:
    """One row per figure: what it is, the value as used, source (indicator id or query), n/d, as-of."""
    rows = []
    queries = query_numbers(facts)
    for figure in facts.figures.values():
        rows.append({"key": figure.key, "说明": figure.label, "数值": _shown(figure),
                     "来源": f"指标 {figure.indicator_id}" if figure.indicator_id else f"查询 Q{queries[figure.query]}",
                     "分子": _number(figure.numerator), "分母": _number(figure.denominator),
                     "统计日": facts.as_of.isoformat()})
    return rows


def query_numbers(facts: Facts) -> dict[str, int]:
    """Each distinct query of the appendix → its number (Q1, Q2 …), in the order figures use them."""
    numbers: dict[str, int] = {}
    for figure in facts.figures.values():
        if figure.query and not figure.indicator_id and figure.query not in numbers:
            numbers[figure.query] = len(numbers) + 1
    return numbers


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return count(value) if float(value).is_integer() else f"{value:.4g}"


def _shown(figure: Figure) -> str:
    if figure.value is None:
        return "—"
    if figure.numerator is not None and figure.denominator and figure.key not in ("key_supervised", "dissatisfied"):
        return percent(figure.numerator, figure.denominator) or "—"
    if figure.key == "projects_rating":
        return rate(figure.value) or "—"
    return count(figure.value)


def appendix(doc: wordfile.Document, facts: Facts) -> None:
    doc.page_break()
    doc.heading("附：数据来源")
    scope = f"{facts.scope.name}（{facts.scope.code}）"
    doc.paragraph(f"范围：{scope}；期间：{facts.year}年1月1日至12月31日（截至统计日 {facts.as_of.isoformat()}）；"
                  f"数据版本：{facts.version}。正文中的每个数字均可按下表核对：指标编号指 indicator_values 中该范围、"
                  f"该年度（period_type = year, period_label = {facts.year}）的一行；查询在已发布数据（marts）上运行，"
                  f"参数依次为年度和地州市代码（全区为空）。", small=True)
    doc.table(["说明", "数值", "来源", "分子", "分母", "统计日"], appendix_rows(facts), widths=[5.4, 1.6, 3.6, 1.3, 1.3, 2.4])
    doc.paragraph("查询（参数：年度、地州市代码、地州市代码；全区时地州市代码为空）：", small=True)
    doc.table(["编号", "查询"], [{"编号": f"Q{n}", "查询": query} for query, n in query_numbers(facts).items()],
              widths=[1.2, 14.4], size=8)
    doc.paragraph("各地州市最近一次报送：", small=True)
    doc.table(["地州市", "最近报送日期", "最近入库时间", "入库文件数"],
              [{"地州市": f"{row['prefecture_name']}（{row['prefecture_code']}）",
                "最近报送日期": row["last_submitted_on"].isoformat() if row["last_submitted_on"] else "未报送",
                "最近入库时间": str(row["last_loaded_at"])[:19] if row["last_loaded_at"] else "—",
                "入库文件数": str(row["files_loaded"])} for row in facts.freshness], widths=[5.6, 3.4, 4.2, 2.4])
