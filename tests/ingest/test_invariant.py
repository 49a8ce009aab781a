"""Issue 14's invariant as a property: in random workbooks with unknown columns, footer rows, hidden
sheets and bad cells, every non-empty cell under a header ends in exactly one place — loaded into
its column, in a quarantined row (with a Chinese message), or named in the report as ignored
(column, sheet or row)."""

from __future__ import annotations

import datetime as dt
import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.run import ingest_file
from lvzhi import warehouse
from lvzhi.home import Home
from tests.ingest.clerk_files import report_rows, workbook
from tests.ingest.conftest import SUBMITTED

REQUIRED = ["建议编号", "领衔代表编号", "标题", "提出日期"]
OPTIONAL = {"答复时间": "replied_on", "满意度": "satisfaction"}
FIELDS = {"建议编号": "suggestion_id", "领衔代表编号": "lead_deputy_id", "标题": "title", "提出日期": "submitted_on", **OPTIONAL}
UNKNOWN = ["序号", "备注", "审批意见", "附件", "经办科室", "核对情况"]
FOOTERS = [["合计", "共计若干件"], ["填表人：张三", None, "审核人：李四"], ["注：本表由各县汇总"], ["小计"], []]
GOOD_DATES = [dt.date(2024, 3, 5), "2024年3月5号", "2024. 3. 5", "2024/3/5"]
BAD_DATES = ["2024年13月1日", "#N/A", "三月五日"]
SATISFACTION = ["满意", "基本满意", "不满意", "很满意", "#REF!"]

counter = itertools.count()


@st.composite
def submissions(draw):
    optional = draw(st.lists(st.sampled_from(list(OPTIONAL)), unique=True))
    unknown = draw(st.lists(st.sampled_from(UNKNOWN), unique=True, max_size=3))
    header = REQUIRED + optional
    for name in unknown:
        header.insert(draw(st.integers(0, len(header))), name)
    rows, kinds = [], []
    for number in range(draw(st.integers(1, 6))):
        row = []
        for name in header:
            if name == "建议编号":
                row.append(f"J{number}")
            elif name == "领衔代表编号":
                row.append(f"D{number}")
            elif name == "标题":
                row.append(f"关于第{number}条道路的建议")
            elif name in ("提出日期", "答复时间"):
                row.append(draw(st.sampled_from(GOOD_DATES + BAD_DATES if name == "提出日期" else GOOD_DATES + [None])))
            elif name == "满意度":
                row.append(draw(st.sampled_from([*SATISFACTION, None])))
            else:
                row.append(draw(st.sampled_from([None, "说明文字", "12"])))
        rows.append(row)
        kinds.append("record")
        if draw(st.booleans()):
            footer = draw(st.sampled_from(FOOTERS))
            rows.append(list(footer))
            kinds.append("footer")
    title_rows = draw(st.integers(0, 2))
    hidden = draw(st.booleans())
    return header, rows, kinds, title_rows, hidden


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(submissions())
def test_every_cell_is_loaded_quarantined_or_named(tmp_path, submission):
    header, rows, kinds, title_rows, hidden = submission
    folder = tmp_path / f"case{next(counter)}"
    folder.mkdir()
    home = Home.at(folder / "home")
    titles = [["2024年建议办理情况"]] + [[]] * (title_rows - 1) if title_rows else []
    sheets = {"建议": [*titles, header, *rows]}
    if hidden:
        sheets["旧表"] = [header, ["J99", "D99", "旧的", "2023-01-01"]]
    path = workbook(folder / "654000_建议_2024.xlsx", sheets, hidden_sheets=("旧表",))
    con = warehouse.connect_work(home)
    try:
        from ingest.load import ensure_raw_schema

        ensure_raw_schema(con)
        result = ingest_file(con, home, path, SUBMITTED)
        assert result.status == "loaded", result.message
        loaded = {r[0]: json.loads(r[1]) for r in con.sql(
            "select _row_number, to_json(s) from raw.suggestions s").fetchall()}
        quarantined = {r[0]: json.loads(r[1]) for r in con.sql(
            "select distinct row_number, row_json from raw.quarantine").fetchall()}
        messages = con.sql("select message from raw.quarantine").fetchall()
    finally:
        con.close()
    report = report_rows(result)
    skipped_rows = {r["行号"] for r in report if r["规则编号"] == "skipped_row"}
    ignored_columns = {r["列"] for r in report if r["规则编号"] == "ignored_column"}
    skipped_sheets = {r["工作表"] for r in report if r["规则编号"] == "skipped_sheet"}

    assert all(m and any("\u4e00" <= ch <= "\u9fff" for ch in m) for (m,) in messages)  # Chinese messages
    assert not set(loaded) & set(quarantined)  # a row lands in one place
    assert ("旧表" in skipped_sheets) == hidden and ("跳过工作表：旧表" in result.ignored) == hidden
    for name in UNKNOWN:
        assert (name in ignored_columns) == (name in header)
        assert (name in result.ignored) == (name in header)
    header_row = len(titles) + 1
    for offset, (row, kind) in enumerate(zip(rows, kinds), start=1):
        number = header_row + offset
        cells = [(header[c] if c < len(header) else None, v) for c, v in enumerate(row) if v not in (None, "")]
        if not cells:
            continue  # a blank row holds nothing to account for
        if kind == "footer":
            assert number in skipped_rows and number not in loaded and number not in quarantined, (number, row)
            continue
        assert number not in skipped_rows
        assert (number in loaded) != (number in quarantined), (number, row)
        for column, value in cells:
            if column in UNKNOWN:
                assert column in ignored_columns
                continue
            field = FIELDS[column]
            if number in quarantined:
                assert quarantined[number][field] is not None, (number, column, value)
            else:
                assert loaded[number][field] is not None, (number, column, value)
    # A record row is quarantined exactly when one of its cells is bad.
    for offset, (row, kind) in enumerate(zip(rows, kinds), start=1):
        if kind != "record":
            continue
        values = dict(zip(header, row))
        bad = values.get("提出日期") in BAD_DATES or values.get("满意度") in ("很满意", "#REF!")
        assert (header_row + offset in quarantined) == bad, (header_row + offset, values)
