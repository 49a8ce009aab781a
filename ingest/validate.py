"""Validation: typed rows that may land, and one error row per broken rule for the clerk.

A row with any error is quarantined whole; its original text is kept in the quarantine table so
nothing is lost. All checks are vectorised Polars expressions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

import polars as pl

from ingest import boundary, guards, idcard
from ingest.normalize import INVISIBLE, cleaned_text, parse_steps, plain_tests
from ingest.readers import ROW_NUMBER, SheetTable
from ingest.schemas import BOOL, DATE, ENUM, FLOAT, INT, SUBSTANTIVE_REPLY_TYPES, Column, Kind
from lvzhi import pii, reference

PREFECTURE_CODES = tuple(reference.prefectures())
DISTINCT_MIN_ROWS = 5_000  # from this batch size on, parse distinct values only (see typed_columns)
MIN_MOTION_SIGNERS = 10  # 第十三条
MAX_EXTENSION_MONTHS = 6  # 第二十四条
# Batches are small (<= LVZHI_BATCH_ROWS): Polars' default (streaming) engine cost ~4 ms of set-up
# per query here, the in-memory engine ~0.5 ms.
ENGINE = "in-memory"

# rule_id -> (Chinese name, English name); the report explains each rule by these.
RULES = {
    "required": ("必填项为空", "required value missing"),
    "bad_date": ("日期无法识别", "unreadable date"),
    "bad_bool": ("是/否无法识别", "unreadable yes/no"),
    "bad_int": ("应为整数", "not a whole number"),
    "bad_float": ("应为数字", "not a number"),
    "bad_enum": ("不在允许值中", "value not in the allowed list"),
    "prefecture_unknown": ("无法确定州市", "prefecture unknown"),
    "future_date": ("日期晚于报送日期", "date after the submission date"),
    "end_before_start": ("结束日期早于开始日期", "end before start"),
    "status_date_missing": ("离任缺少状态日期", "left office without a status date"),
    "assigned_before_submitted": ("交办早于提出", "assigned before submitted"),
    "reply_before_assignment": ("答复早于交办", "reply before assignment"),
    "extension_too_long": ("延期超过六个月", "extension beyond six months (第二十四条)"),
    "resolved_exceeds_collected": ("办结数大于收集数", "more opinions resolved than collected"),
    "motion_too_few_signers": ("议案联名不足10人", "motion with fewer than 10 deputies (第十三条)"),
    "duplicate_key": ("文件内主键重复", "duplicate key inside one file"),
    "excel_error": ("Excel 错误值", "an Excel error value (#N/A, #REF! …), not data"),
    boundary.RULE: boundary.RULE_NAMES,
    idcard.RULE: idcard.RULE_NAMES,
    "b_reply_without_planned_year": ("B类答复缺少计划解决年度", "B reply without planned_year"),
    "feedback_before_reply": ("反馈早于答复", "feedback dated before its reply"),
    "rehandling_without_dissatisfaction": ("重新办理答复前无不满意评价",
                                           "re-handling reply without an earlier 不满意 result rating of that unit"),
    "reply_no_gap": ("答复序号不连续", "reply_no not 1, 2, ... without gaps per suggestion and unit"),
}
EXCEL_ERRORS = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#N/A!")
# Rules across rows and files (a reply and the suggestion it answers arrive in different files):
# checked by the build (marts.dq_reply_errors), listed here so the template explains them too.
BUILD_RULES = ("reply_before_assignment", "rehandling_without_dissatisfaction", "reply_no_gap")

ERROR_SCHEMA = {
    ROW_NUMBER: pl.Int64, "column_name": pl.String, "header": pl.String,
    "value": pl.String, "rule_id": pl.String, "message": pl.String,
}


@dataclass
class Checked:
    valid: pl.DataFrame  # typed rows that may land
    errors: pl.DataFrame  # ERROR_SCHEMA, one row per broken rule
    quarantined: pl.DataFrame  # original text of the rejected rows, as JSON per row
    # 身份证号 of every row as stored (salted hash, or the masked form of an invalid number), for the
    # archive: working them out again there cost as much as here (Python, per distinct number).
    id_cards: pl.Series | None = None


def _text(name: str) -> str:
    return f"{name}__text"


def _fmt(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String)


@dataclass(frozen=True)
class Rule:
    """One check: rows where `failed` is true break `rule_id` in `column`; `message` explains it."""
    column: Column
    rule_id: str
    failed: pl.Expr
    message: pl.Expr


def _errors(frame: pl.DataFrame, flag: str, rule: Rule) -> pl.DataFrame:
    return frame.filter(pl.col(flag)).select(
        pl.col(ROW_NUMBER),
        pl.lit(rule.column.name).alias("column_name"),
        pl.lit(rule.column.zh).alias("header"),
        pl.col(_text(rule.column.name)).alias("value"),
        pl.lit(rule.rule_id).alias("rule_id"),
        rule.message.alias("message"),
    )


def _column_checks(kind: Kind) -> list[Rule]:
    """Required values, unparseable values and enumerations, column by column."""
    found = []
    for column in kind.columns:
        text, value = pl.col(_text(column.name)), pl.col(column.name)
        if column.required:
            found.append(Rule(column, "required", text.is_null(), pl.lit(f"必填项“{column.zh}”为空")))
        if column.name == "id_card_no":
            found.append(Rule(column, idcard.RULE, idcard.invalid(text), idcard.message(text)))
        if column.type == ENUM:
            allowed = "、".join(column.values)
            message = pl.format(f"“{column.zh}”的值“{{}}”不在允许值中：{allowed}", text)
            found.append(Rule(column, "bad_enum", text.is_not_null() & value.is_null(), message))
        hint = {
            DATE: ("bad_date", "不是有效日期，可写作 2024-03-05、2024/3/5、2024.3.5 或 2024年3月5日"),
            BOOL: ("bad_bool", "应为 是 或 否（也可写 Y/N、1/0）"),
            INT: ("bad_int", "应为整数"),
            FLOAT: ("bad_float", "应为数字"),
        }.get(column.type)
        if hint:
            message = pl.format(f"“{column.zh}”的值“{{}}”{hint[1]}", text)
            found.append(Rule(column, hint[0], text.is_not_null() & value.is_null(), message))
    return found


def _months_later(day: pl.Expr, months: int) -> pl.Expr:
    """Calendar months: Jan 31 + 3 months = Apr 30 (polars clamps to the month's end)."""
    return day.dt.offset_by(f"{months}mo")


def _rule_checks(kind: Kind, submitted_on: date) -> list[Rule]:
    """Rules across columns: order of dates, extensions, counts, signers, future dates."""
    c, found = pl.col, []
    has = {column.name for column in kind.columns}

    def add(column: str, failed: pl.Expr, rule: str, message: pl.Expr) -> None:
        found.append(Rule(kind.column(column), rule, failed, message))

    for name in kind.event_dates:
        add(name, c(name) > submitted_on, "future_date",
            pl.format(f"“{kind.column(name).zh}”{{}} 晚于报送日期 {submitted_on}", _fmt(c(name))))
    for start, end in (("term_start", "term_end"), ("start_date", "end_date")):
        if {start, end} <= has:
            add(end, c(end) < c(start), "end_before_start",
                pl.format(f"“{kind.column(end).zh}”{{}} 早于“{kind.column(start).zh}”{{}}", _fmt(c(end)), _fmt(c(start))))
    if kind.name == "deputies":
        add("status_date", (c("status") != "在任") & c("status_date").is_null() & c(_text("status_date")).is_null(),
            "status_date_missing", pl.format("状态为“{}”时必须填写“状态日期”", c("status")))
    if {"submitted_on", "assigned_on"} <= has:
        add("assigned_on", c("assigned_on") < c("submitted_on"), "assigned_before_submitted",
            pl.format("交办日期 {} 早于提出日期 {}", _fmt(c("assigned_on")), _fmt(c("submitted_on"))))
    if kind.name == "suggestions":
        add("replied_on", c("replied_on") < c("assigned_on"), "reply_before_assignment",
            pl.format("答复日期 {} 早于交办日期 {}", _fmt(c("replied_on")), _fmt(c("assigned_on"))))
        latest = _months_later(c("assigned_on"), MAX_EXTENSION_MONTHS)
        add("extended_due", c("extended_due") > latest, "extension_too_long",
            pl.format("延期至 {} 超过交办日期 {} 后六个月（最晚 {}，第二十四条）",
                      _fmt(c("extended_due")), _fmt(c("assigned_on")), _fmt(latest)))
    if kind.name == "replies":
        substantive = c("reply_type").is_in(SUBSTANTIVE_REPLY_TYPES)
        add("planned_year", substantive & (c("reply_class") == "B") & c("planned_year").is_null()
            & c(_text("planned_year")).is_null(), "b_reply_without_planned_year",
            pl.lit("答复类别为 B（正在解决或列入计划）的答复须填写“计划解决年度”"))
        add("feedback_on", c("feedback_on") < c("replied_on"), "feedback_before_reply",
            pl.format("反馈日期 {} 早于答复日期 {}", _fmt(c("feedback_on")), _fmt(c("replied_on"))))
    if kind.name == "receptions":
        add("opinions_resolved", c("opinions_resolved") > c("opinions_collected"), "resolved_exceeds_collected",
            pl.format("已办结 {} 大于收集意见建议 {}", _fmt(c("opinions_resolved")), _fmt(c("opinions_collected"))))
    if kind.name == "motions":
        others = c("cosigner_ids").str.split(",").list.set_difference(pl.concat_list(c("lead_deputy_id")))
        signers = 1 + others.list.len().fill_null(0)
        add("cosigner_ids", c("lead_deputy_id").is_not_null() & (signers < MIN_MOTION_SIGNERS),
            "motion_too_few_signers",
            pl.format(f"领衔代表与附议代表共 {{}} 人，少于 {MIN_MOTION_SIGNERS} 人（第十三条）", signers))
    return found


def _duplicate_keys(frame: pl.LazyFrame, kind: Kind) -> pl.LazyFrame:
    key = list(kind.key)
    first = kind.column(key[0])
    headers = "、".join(kind.column(k).zh for k in key)
    value = pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=" / ")
    return (
        frame.filter(pl.all_horizontal(pl.col(key).is_not_null()))
        .group_by(key).agg(pl.col(ROW_NUMBER).sort().alias("rows"))
        .filter(pl.col("rows").list.len() > 1)
        .with_columns(
            value.alias("value"),
            pl.col("rows").list.eval(pl.element().cast(pl.String)).list.join("、").alias("listed"),
        )
        .explode("rows")
        .select(
            pl.col("rows").cast(pl.Int64).alias(ROW_NUMBER),
            pl.lit(first.name).alias("column_name"),
            pl.lit(first.zh).alias("header"),
            pl.col("value"),
            pl.lit("duplicate_key").alias("rule_id"),
            pl.format(f"同一文件中“{headers}”为“{{}}”的记录重复出现（第 {{}} 行），请只保留一条", "value", "listed")
            .alias("message"),
        )
    )


def hash_id_card(value: str | None, salt: str) -> str | None:
    """Salted SHA-256 of a valid ID-card number (ingest/idcard.py); the number itself is never stored."""
    return idcard.cleaned(value, salt)


def _cleaned(column: Column, cell: pl.Expr, salt: str, scrub: bool) -> pl.Expr:
    if column.name == "id_card_no":
        # The clear ID number leaves here, before it can reach any table or report: a valid number
        # becomes its salted hash, an invalid one a masked form that rule bad_id_card reports.
        cell = idcard.cleaned_expr(cell, salt)
    elif scrub:  # only a column column_facts named: elsewhere both steps leave every cell as it is
        cell = guards.printable(cell)
        if column.name != "phone":  # ID- or mobile-shaped text typed anywhere else is masked
            cell = pii.mask_expr(cell)
    return cleaned_text(cell)


@functools.lru_cache(maxsize=512)
def _parse_stages(columns: tuple[Column, ...], salt: str, facts: guards.ColumnFacts) -> tuple[list[pl.Expr], ...]:
    """`with_columns` stages that turn each raw cell column `<name>` into `<name>__text` (cleaned)
    and `<name>` (typed). Built once per kind and column facts, not per file: building them cost
    about as much as running them on a small file (the file's prefecture is not part of them: keyed
    by it too, most files of a region run missed the cache)."""
    steps = {c.name: parse_steps(c, c.name not in facts.non_ascii, c.name in facts.plain) for c in columns}
    stages = [[_cleaned(c, pl.col(c.name), salt, c.name in facts.scrub).alias(_text(c.name))
               for c in columns]]
    for number in range(max([1, *map(len, steps.values())])):
        stage = []
        for c in columns:
            source = pl.col(_text(c.name) if number == 0 else c.name)
            if number < len(steps[c.name]):
                stage.append(steps[c.name][number](source).alias(c.name))
            elif number == 0:  # plain text: the value is the cleaned text
                stage.append(source.alias(c.name))
        stages.append(stage)
    # Only an empty cell takes the default: a value that does not parse stays null, so its rule
    # (e.g. bad_enum) still fires instead of the default hiding it.
    defaults = [pl.when(pl.col(_text(c.name)).is_null()).then(pl.lit(c.default)).otherwise(pl.col(c.name)).alias(c.name)
                for c in columns if c.default is not None]
    return (*stages, defaults) if defaults else tuple(stages)


def _typed_query(frame: pl.LazyFrame, columns: tuple[Column, ...], prefecture_code: str | None,
                 salt: str, facts: guards.ColumnFacts) -> pl.LazyFrame:
    # Sequential: a batch's expressions are small, and fanning them out to Polars' threads cost more
    # CPU than it saved while the writer thread needs the other core.
    # Facts of these columns only: fewer variants of the cached stages.
    fill = prefecture_code and any(c.name == "prefecture_code" for c in columns)
    for number, stage in enumerate(_parse_stages(columns, salt, facts.of({c.name for c in columns}))):
        frame = frame.with_columns_seq(stage)
        if number == 0 and fill:  # an empty 州市代码 is the file's prefecture, before it is parsed
            frame = frame.with_columns(pl.col(_text("prefecture_code")).fill_null(pl.lit(prefecture_code)))
    return frame


def typed_columns(frame: pl.DataFrame, kind: Kind, prefecture_code: str | None, salt: str,
                  columns: tuple[Column, ...] | None = None, facts: guards.ColumnFacts | None = None) -> pl.LazyFrame:
    """Row number and, per column, its cleaned text (`<name>__text`) and typed value (`<name>`).
    `facts`: guards.column_facts of the frame, when the caller has them.

    In a big batch each distinct value of a costly column (NFKC of non-ASCII cells, the regexes of
    unplain dates and of scrubbed cells) is cleaned and parsed once and mapped back: they repeat a
    lot, and parsing every cell cost ~2.5x more on 17 k-row files. A cheap column (ASCII codes,
    numbers, plain dates) is parsed cell by cell even there: hashing its values twice (unique, then
    the mapping back) cost 2-3x more than parsing them. A small batch parses every cell in one query.
    """
    columns = columns or kind.columns
    if facts is None:
        facts = guards.column_facts(frame.select(c.name for c in columns if c.name in frame.columns), plain_tests(kind))
    frame = frame.with_columns(pl.lit(None, pl.String).alias(c.name) for c in columns if c.name not in frame.columns)
    parts = [x for c in columns for x in (_text(c.name), c.name)]
    costly = () if frame.height < DISTINCT_MIN_ROWS else tuple(c for c in columns if _costly(c, facts))
    cheap = tuple(c for c in columns if c not in costly)
    typed = _typed_query(frame.lazy(), cheap, prefecture_code, salt, facts) if cheap else frame.lazy()
    if not costly:
        return typed.select(ROW_NUMBER, *parts)
    lookups = dict(zip(costly, pl.collect_all(engine=ENGINE, lazy_frames=[
        _typed_query(frame.lazy().select(pl.col(c.name).unique()).with_columns(pl.col(c.name).alias("__cell")),
                     (c,), prefecture_code, salt, facts)
        for c in costly
    ])))
    return typed.select(ROW_NUMBER, *(
        pl.col(c.name).replace_strict(lookups[c]["__cell"], lookups[c][part], default=None).alias(part)
        if c in lookups else pl.col(part)
        for c in columns for part in (_text(c.name), c.name)
    ))


def _costly(column: Column, facts: guards.ColumnFacts) -> bool:
    """Whether parsing a cell of this column costs more than looking its distinct value up."""
    name = column.name
    return (name in facts.non_ascii or name in facts.scrub or name == "id_card_no"
            or (column.type == DATE and name not in facts.plain))


def key_values(table: SheetTable, prefecture_code: str | None, salt: str) -> pl.DataFrame:
    """Row number and typed key columns: what duplicate detection across batches remembers."""
    kind = table.kind
    key_columns = tuple(kind.column(k) for k in kind.key)
    return typed_columns(table.frame, kind, prefecture_code, salt, key_columns).select(ROW_NUMBER, *kind.key).collect(engine=ENGINE)


def duplicate_keys(keys: pl.DataFrame, kind: Kind) -> pl.DataFrame:
    """Duplicate-key errors of a whole sheet from the key_values of all its batches."""
    return _duplicate_keys(keys.lazy(), kind).collect(engine=ENGINE)


@functools.lru_cache(maxsize=64)
def _excel_rules(kind: Kind) -> tuple[tuple[Rule, ...], pl.Expr]:
    """Excel error values (#N/A …) in any column, and one flag for a row holding any: the rules per
    column are evaluated only on a batch where that flag fired (rare), not on every batch."""
    rules = tuple(Rule(column, "excel_error", pl.col(_text(column.name)).is_in(EXCEL_ERRORS), pl.format(
        f"“{column.zh}”是 Excel 错误值“{{}}”（公式出错或引用失效），不是数据：请在 Excel 中改正公式或填写实际的值",
        pl.col(_text(column.name)))) for column in kind.columns)
    return rules, pl.any_horizontal([rule.failed for rule in rules]).fill_null(False).alias("__excel_any")


@functools.lru_cache(maxsize=64)
def _rules(kind: Kind, submitted_on: date) -> tuple[tuple[Rule, ...], list[pl.Expr]]:
    """Every rule of a kind and the expressions flagging them: built once per kind, not per file."""
    rules = (*_column_checks(kind), *_rule_checks(kind, submitted_on), Rule(
        kind.column("prefecture_code"), "prefecture_unknown",
        ~pl.col("prefecture_code").is_in(PREFECTURE_CODES).fill_null(False),
        pl.format("无法确定州市：“州市代码”为“{}”，文件名中也没有新疆 14 个地州市之一的 6 位代码或名称"
                  "（例如 654000_建议_2024Q4.xlsx 或 伊犁州_建议_2024Q4.xlsx）",
                  pl.col(_text("prefecture_code")).fill_null("")),
    ))
    return rules, [rule.failed.fill_null(False).alias(f"__rule_{i}") for i, rule in enumerate(rules)]


_INVISIBLE = re.compile(f"[{INVISIBLE}\u00a0\u3000]")


def describe_invisible(text: str) -> str | None:
    """'“满意”后有不可见字符' for a value holding characters a clerk cannot see; None without."""
    match = _INVISIBLE.search(text)
    if not match:
        return None
    before = _INVISIBLE.sub("", text[:match.start()]).strip()
    after = _INVISIBLE.sub("", text[match.end():]).strip()
    if before:
        return f"“{before}”后有不可见字符"
    return f"“{after}”前有不可见字符" if after else "单元格中只有不可见字符"


def _explained(errors: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """An Excel error value is one error, not also 'not a date'; a value that holds invisible
    characters (zero-width, non-breaking or ideographic spaces) says so."""
    if (errors.get_column("rule_id") == "excel_error").any():
        bad = errors.filter(pl.col("rule_id") == "excel_error").select(ROW_NUMBER, "column_name").with_columns(pl.lit(True).alias("__excel"))
        errors = errors.join(bad, on=[ROW_NUMBER, "column_name"], how="left").filter(
            pl.col("__excel").is_null() | (pl.col("rule_id") == "excel_error")).drop("__excel")
    columns = [c for c in errors.get_column("column_name").unique().to_list() if c in frame.columns]
    if not columns:
        return errors
    raw = frame.select(ROW_NUMBER, *columns).filter(pl.col(ROW_NUMBER).is_in(errors.get_column(ROW_NUMBER).implode()))
    raw = raw.unpivot(index=ROW_NUMBER, variable_name="column_name", value_name="__raw").filter(
        pl.col("__raw").str.contains(_INVISIBLE.pattern))
    if not raw.height:
        return errors
    notes = {(r, c): describe_invisible(v) for r, c, v in raw.iter_rows()}
    return errors.with_columns(pl.struct(ROW_NUMBER, "column_name", "message").map_elements(
        lambda row: row["message"] + (f"（{n}）" if (n := notes.get((row[ROW_NUMBER], row["column_name"]))) else ""),
        return_dtype=pl.String).alias("message"))


# Built once: building the masking expressions cost more than running them on a file's few errors.
_MASKED_ERROR_TEXT = (pii.mask_expr(pl.col("value")), pii.mask_expr(pl.col("message")))


@functools.lru_cache(maxsize=64)
def _row_json(names: tuple[str, ...]) -> pl.Expr:
    """A quarantined row's original text as JSON, ID- and mobile-shaped parts masked."""
    return pii.mask_expr(pl.struct([pl.col(_text(n)).alias(n) for n in names]).struct.json_encode()).alias("row_json")


def check(table: SheetTable, prefecture_code: str | None, submitted_on: date, salt: str,
          duplicates: pl.DataFrame | None = None) -> Checked:
    """Validate one batch of rows. `duplicates` (duplicate_keys of the whole sheet) are taken for
    the batch's rows; without them the batch is the whole sheet."""
    kind = table.kind
    rules, flag_exprs = _rules(kind, submitted_on)
    # One query types the rows and flags every rule on every row; messages are built only for
    # rules that fired, and a clean batch (most files) needs no further query.
    excel_rules, excel_any = _excel_rules(kind)
    if not getattr(table, "may_hold_hash", True):  # no cell starts with '#': no Excel error value
        excel_any = pl.lit(False).alias("__excel_any")
    facts = table.facts() if isinstance(table, SheetTable) else None
    # Without the sheet's duplicates (one batch): a key seen twice in the batch (empty keys too:
    # _duplicate_keys leaves those out).
    repeated = pl.struct(kind.key).is_duplicated() if duplicates is None else pl.lit(False)
    flagged = typed_columns(table.frame, kind, prefecture_code, salt, facts=facts).with_columns_seq([
        *flag_exprs, excel_any, boundary.mismatched(prefecture_code, PREFECTURE_CODES), repeated.alias("__repeated"),
    ]).collect(engine=ENGINE)
    parts = [_errors(flagged.lazy(), f"__rule_{i}", rule) for i, rule in enumerate(rules)
             if flagged.get_column(f"__rule_{i}").any()]
    if flagged.get_column("__excel_any").any():
        excel = flagged.with_columns(rule.failed.fill_null(False).alias(f"__excel_{i}") for i, rule in enumerate(excel_rules))
        parts += [_errors(excel.lazy(), f"__excel_{i}", rule) for i, rule in enumerate(excel_rules)
                  if excel.get_column(f"__excel_{i}").any()]
    if (mismatch := boundary.mismatch_errors(flagged, prefecture_code)) is not None:
        parts.append(mismatch)
    if flagged.get_column("__repeated").any():
        parts.append(_duplicate_keys(flagged.lazy(), kind))
    elif duplicates is not None and duplicates.height:
        parts.append(duplicates.lazy().filter(pl.col(ROW_NUMBER).is_in(flagged.get_column(ROW_NUMBER).implode())))
    names = [c.name for c in kind.columns]
    id_cards = flagged.get_column(_text("id_card_no")) if "id_card_no" in names else None
    errors = pl.concat(parts, how="vertical_relaxed").sort(ROW_NUMBER, "column_name", "rule_id").collect(engine=ENGINE) if parts else None
    if errors is not None and errors.height:
        errors = _explained(errors, table.frame)
    if errors is None or errors.height == 0:
        return Checked(flagged.select(ROW_NUMBER, *names), pl.DataFrame(schema=ERROR_SCHEMA),
                       pl.DataFrame(schema={ROW_NUMBER: pl.Int64, "row_json": pl.String}), id_cards)
    # Error values and messages quote the clerk's text: ID- and mobile-shaped parts masked (the
    # phone column's own value too: the quarantine and the report are not the raw roster).
    errors = errors.with_columns(*_MASKED_ERROR_TEXT)
    is_bad = pl.col(ROW_NUMBER).is_in(errors.get_column(ROW_NUMBER).unique().implode())
    valid, quarantined = pl.collect_all(engine=ENGINE, lazy_frames=[
        flagged.lazy().filter(~is_bad).select(ROW_NUMBER, *names),
        flagged.lazy().filter(is_bad).select(
            ROW_NUMBER,
            _row_json(tuple(names)),
        ),
    ])
    return Checked(valid, errors, quarantined, id_cards)
