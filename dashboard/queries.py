"""The dashboard pages' queries, against the published warehouse (through dashboard.db's caches and
row filter). Period spans come from the published calendar where the models hold them."""

from __future__ import annotations

import json
from datetime import date
from typing import NamedTuple

import polars as pl

from dashboard.db import derived, has, kept_by, kept_query, once_per_run, only_allowed, query, reference
from lvzhi import reference as facts

REGION_CODE = facts.region_code()


class Scope(NamedTuple):
    """Where and when: a prefecture ('' = region), a county ('' = all) and a date range."""

    prefecture: str
    county: str
    start: date
    end: date

    def params(self) -> tuple:
        return self.prefecture, self.prefecture, self.county, self.county, self.start, self.end


# ------------------------------------------------------------------ reference data


def publish_info() -> dict:
    if not has("publish_info"):
        return {}
    rows = reference("select info_json from publish_info")
    return json.loads(rows["info_json"][0]) if rows.height else {}


def as_of() -> date | None:
    text = publish_info().get("as_of")
    if text:
        return date.fromisoformat(text)
    if has("indicator_values"):
        return reference("select max(as_of) as as_of from indicator_values")["as_of"][0]
    return None


def prefectures() -> pl.DataFrame:
    """The prefectures this user may see (all 14 for every role but 州市用户)."""
    return only_allowed(reference(_PREFECTURES))


_PREFECTURES = "select prefecture_code, prefecture_name, prefecture_name_en from prefectures order by prefecture_code"


def counties(prefecture: str) -> list[str]:
    """Counties the records of a prefecture name (dim_county, once it is built)."""
    if not has("dim_county"):
        return []
    rows = query("select county from dim_county where prefecture_code = ? and county is not null order by county",
                 prefecture)
    return rows["county"].to_list()


def years() -> list[str]:
    if not has("indicator_values"):
        return []
    rows = reference(
        "select distinct period_label from indicator_values where period_type = 'year' "
        "and period_start <= as_of order by period_label desc"
    )
    return rows["period_label"].to_list()


def terms(scope_level: str, scope_code: str) -> dict[str, tuple[date, date]]:
    """The terms (届期, period_type 'term', labelled by congress code) with values for this scope, and
    the dates they span: label -> (first day, last day). The sidebar asks on every page: every scope's
    terms are read once per published version (~28,000 rows at region scale) and kept by scope, and
    so is each scope's dictionary (the region's 1,083 terms took ~1 ms a run to turn into one)."""
    if not has("indicator_values"):
        return {}
    rows = _terms_by_scope().get((scope_level, scope_code))
    return {} if rows is None else derived(("terms", scope_level, scope_code), lambda: {
        label: (first, last) for label, first, last in rows.select("period_label", "period_start", "period_end").iter_rows()})


def _terms_by_scope() -> dict[tuple[str, str], pl.DataFrame]:
    return kept_by(
        "select scope_level, scope_code, period_label, min(period_start) as period_start, "
        "max(period_end) as period_end from indicator_values where period_type = 'term' "
        "group by all order by scope_level, scope_code, period_label",
        ("scope_level", "scope_code"),
    )


def period_spans(period_type: str, start: date, end: date) -> dict[str, tuple[date, date]]:
    """The published periods of a type that overlap [start, end], label -> (first day, last day), in order."""
    if not has("dim_period"):  # a warehouse published before dim_period existed
        return {}
    return {label: (first, last) for label, (first, last) in _spans(period_type).items() if first <= end and last >= start}


def period_span(period_type: str, period_label: str) -> tuple[date, date] | None:
    """A published period's first and last day (None for a period after the as-of date: not in the models)."""
    if not has("dim_period"):
        return None
    return _spans(period_type).get(period_label)


def _spans(period_type: str) -> dict[str, tuple[date, date]]:
    """Every published period of a type, label -> (first day, last day), in order: kept per version."""
    return derived(("period_spans", period_type), lambda: {label: (first, last) for label, first, last in reference(
        "select period_label, period_start, period_end from dim_period where period_type = ? order by period_start",
        period_type).iter_rows()})


def catalogue() -> pl.DataFrame:
    return reference("select * from indicator_catalogue")


# ------------------------------------------------------------------ indicator values

_VALUES = """
    select v.indicator_id, v.scope_level, v.scope_code, v.scope_name, v.scope_prefecture_code, v.period_type,
           v.period_label,
           v.numerator, v.denominator, v.value, v.unit, v.direction, v.is_small_sample, v.status,
           v.period_start, v.period_end
    from indicator_values v
"""
_CATALOGUE = ("select indicator_id, family, name_zh, name_en, formula_zh, basis, cast(target as double) as target, "
              "cast(amber_at as double) as amber_at from indicator_catalogue")
_VALUE_COLUMNS = ("indicator_id", "scope_level", "scope_code", "scope_name", "scope_prefecture_code", "period_type",
                  "period_label", "numerator", "denominator", "value", "unit", "direction", "is_small_sample", "status",
                  "family", "name_zh", "name_en", "formula_zh", "basis", "target", "amber_at", "period_start",
                  "period_end")


def _values(where: str, *params) -> pl.DataFrame:
    """indicator_values rows (in the query's order) with their indicator's catalogue columns. The
    catalogue is joined here from its copy kept per version: joined in SQL, its long texts (formula,
    basis) travelled with every row out of DuckDB (~2.5 ms for the 1,300 handling units' rows)."""
    return once_per_run(("values", where, repr(params)), lambda: kept_query(_VALUES + where, *params).join(
        reference(_CATALOGUE), on="indicator_id", how="inner", maintain_order="left").select(_VALUE_COLUMNS))


# A page reads indicator_values in two queries, whatever it draws from them (issue 20): the period's
# rows (this period and the one before, the region, every prefecture and the counties of the chosen
# prefecture: the cards, the matrix, the rankings) and the quarters of the trend window (the
# sparklines, the trend). Each function below takes its rows from one of the two when its caller
# says which prefecture is chosen (`prefecture=`), and asks DuckDB itself otherwise; every row still
# passes `only_allowed`, which keeps rows, so filtering afterwards gives what the narrower query gave.
# Neither is ordered in SQL (0.7 ms): each function sorts what it takes as its own query did.


def previous_label(period_type: str, period_label: str) -> str:
    """The period before (2024 -> 2023, 2024Q1 -> 2023Q4); none for a term."""
    if period_type == "year" and period_label.isdigit():
        return str(int(period_label) - 1)
    if period_type == "quarter" and "Q" in period_label:
        year, quarter = period_label.split("Q")
        return f"{int(year) - 1}Q4" if quarter == "1" else f"{year}Q{int(quarter) - 1}"
    return ""


def period_rows(period_type: str, period_label: str, prefecture: str) -> pl.DataFrame:
    """Every indicator in a period and the one before, for the region, every prefecture and the
    counties of `prefecture` ('' = none): ~960 rows for the region. (Asking for the period before
    only for the scopes the cards show halves the rows but cannot use the row groups' min/max:
    5 ms became 9-27 ms.)"""
    if not has("indicator_values"):
        return pl.DataFrame()
    labels = [label for label in (period_label, previous_label(period_type, period_label)) if label]
    return _values(
        " where v.period_type = ? and list_contains(?, v.period_label) "
        "and (v.scope_level in ('region', 'prefecture') or (v.scope_level = 'county' and v.scope_prefecture_code = ?))",
        period_type, labels, prefecture,
    )


def quarter_rows(scope_codes: tuple[str, ...], since: date, until: date) -> pl.DataFrame:
    """Every indicator's quarters starting between the dates, for the given scopes (region, prefecture, county)."""
    if not has("indicator_values"):
        return pl.DataFrame()
    return _values(
        " where v.period_type = 'quarter' and list_contains(?, v.scope_code) "
        "and v.scope_level in ('region', 'prefecture', 'county') and v.period_start between ? and ?",
        list(scope_codes), since, until,
    )


def _covered(scope_level: str, scope_code: str, prefecture: str | None) -> bool:
    """Whether period_rows(…, prefecture) holds this scope's rows of both periods."""
    if prefecture is None:
        return False
    if scope_level == "region":
        return prefecture == ""
    if scope_level == "prefecture":
        return scope_code == prefecture
    return scope_level == "county" and prefecture != ""  # a county of the chosen prefecture


def indicator_values(scope_level: str, scope_code: str, period_type: str, labels: tuple[str, ...],
                     prefecture: str | None = None) -> pl.DataFrame:
    """Every indicator's row for one scope and the given period labels (current and previous)."""
    if not has("indicator_values"):
        return pl.DataFrame()
    if _covered(scope_level, scope_code, prefecture) and labels and set(labels) <= {labels[0], previous_label(period_type, labels[0])}:
        rows = period_rows(period_type, labels[0], prefecture)
        return rows.filter((pl.col("scope_level") == scope_level) & (pl.col("scope_code") == scope_code)
                           & pl.col("period_label").is_in(list(labels))) if rows.height else rows
    return _values(
        " where v.scope_level = ? and v.scope_code = ? and v.period_type = ? "
        "and list_contains(?, v.period_label)",
        scope_level, scope_code, period_type, list(labels),
    )


def ranking(indicator_id: str, period_type: str, period_label: str, prefecture: str | None = None) -> pl.DataFrame:
    """One indicator for every prefecture in one period."""
    if not has("indicator_values"):
        return pl.DataFrame()
    if prefecture is not None:
        rows = period_rows(period_type, period_label, prefecture)
        return rows.filter((pl.col("indicator_id") == indicator_id) & (pl.col("scope_level") == "prefecture")
                           & (pl.col("period_label") == period_label)).sort("scope_code", "indicator_id") \
            if rows.height else rows
    return _values(
        " where v.indicator_id = ? and v.scope_level = 'prefecture' and v.period_type = ? "
        "and v.period_label = ? order by v.scope_code",
        indicator_id, period_type, period_label,
    )


def trend(indicator_id: str, scope_codes: tuple[str, ...], since: date, until: date,
          from_page: bool = False) -> pl.DataFrame:
    """Quarterly values of one indicator for the given scopes, quarters starting between the dates
    (`from_page`: out of the page's quarter_rows for the same scopes and dates)."""
    if not has("indicator_values"):
        return pl.DataFrame()
    if from_page:
        rows = quarter_rows(scope_codes, since, until)
        return rows.filter(pl.col("indicator_id") == indicator_id).sort(
            "scope_level", "period_label", descending=[True, False]) if rows.height else rows
    return _values(
        " where v.indicator_id = ? and v.period_type = 'quarter' "
        "and list_contains(?, v.scope_code) and v.scope_level in ('region', 'prefecture', 'county') "
        "and v.period_start between ? and ? order by v.scope_level desc, v.period_label",
        indicator_id, list(scope_codes), since, until,
    )


def county_ranking(indicator_id: str, prefecture: str, period_type: str, period_label: str,
                   from_page: bool = False) -> pl.DataFrame:
    """One indicator for every county of a prefecture in one period (where the indicator has county rows)."""
    if not has("indicator_values"):
        return pl.DataFrame()
    if from_page:
        rows = period_rows(period_type, period_label, prefecture)
        return rows.filter((pl.col("indicator_id") == indicator_id) & (pl.col("scope_level") == "county")
                           & (pl.col("scope_prefecture_code") == prefecture)
                           & (pl.col("period_label") == period_label)).sort("scope_code", "indicator_id") \
            if rows.height else rows
    return _values(
        " where v.indicator_id = ? and v.scope_level = 'county' and v.scope_prefecture_code = ? "
        "and v.period_type = ? and v.period_label = ? order by v.scope_code",
        indicator_id, prefecture, period_type, period_label,
    )


def sparklines(scope_level: str, scope_code: str, since: date, until: date,
               scopes: tuple[str, ...] = ()) -> pl.DataFrame:
    """Every indicator's quarterly values for one scope (the cards' sparklines), in one query
    (with `scopes`, out of the page's quarter_rows for those scopes)."""
    if not has("indicator_values"):
        return pl.DataFrame()
    if scope_code in scopes:
        rows = quarter_rows(scopes, since, until)
        return rows.filter((pl.col("scope_level") == scope_level) & (pl.col("scope_code") == scope_code)).select(
            "indicator_id", "period_label", "period_end", "value", "unit").sort(
            "indicator_id", "period_label") if rows.height else rows
    return query(
        "select indicator_id, period_label, period_end, value, unit from indicator_values "
        "where scope_level = ? and scope_code = ? and period_type = 'quarter' and period_start between ? and ? "
        "order by indicator_id, period_label",
        scope_level, scope_code, since, until,
    )


def matrix(period_type: str, period_label: str, prefecture: str | None = None) -> pl.DataFrame:
    """Every targeted indicator for every prefecture and the region in one period (the exceptions matrix)."""
    if not has("indicator_values"):
        return pl.DataFrame()
    if prefecture is not None:
        rows = period_rows(period_type, period_label, prefecture)
        return rows.filter(pl.col("scope_level").is_in(["region", "prefecture"])
                           & (pl.col("period_label") == period_label)).sort("scope_code", "indicator_id") \
            if rows.height else rows
    return _values(
        " where v.scope_level in ('region', 'prefecture') and v.period_type = ? and v.period_label = ? "
        "order by v.scope_code",
        period_type, period_label,
    )


def county_matrix(prefecture: str, period_type: str, period_label: str, from_page: bool = False) -> pl.DataFrame:
    """Every indicator for a prefecture and its counties in one period (the matrix of a prefecture)."""
    if not has("indicator_values"):
        return pl.DataFrame()
    if from_page:
        rows = period_rows(period_type, period_label, prefecture)
        return rows.filter(pl.col("scope_level").is_in(["prefecture", "county"])
                           & (pl.col("scope_prefecture_code") == prefecture)
                           & (pl.col("period_label") == period_label)).sort(
            "scope_level", "scope_code", "indicator_id", descending=[True, False, False]) if rows.height else rows
    return _values(
        " where v.scope_level in ('prefecture', 'county') and v.scope_prefecture_code = ? "
        "and v.period_type = ? and v.period_label = ? order by v.scope_level desc, v.scope_code",
        prefecture, period_type, period_label,
    )


# ------------------------------------------------------------------ submissions and data quality


def freshness() -> pl.DataFrame:
    """Each prefecture's last file and load (every page's header): once per published version."""
    if not has("data_freshness"):
        return pl.DataFrame()
    errors = "0"
    if has("dq_reference_errors"):
        errors = ("(select count(*) from dq_reference_errors e "
                  "where e.prefecture_code = f.prefecture_code)")
    return only_allowed(reference(
        f"select f.prefecture_code, f.prefecture_name, f.files_loaded, f.last_submitted_on, f.last_loaded_at, "
        f"cast(f.rows_loaded as bigint) as rows_loaded, cast(f.rows_quarantined as bigint) as rows_quarantined, "
        f"{errors} as open_errors from data_freshness f order by f.prefecture_code"
    ))


def quarantine(prefecture: str) -> pl.DataFrame:
    if not has("quarantine_rows"):
        return pl.DataFrame()
    return kept_query(
        "select source_file, sheet, kind, prefecture_code, row_number, header, value, rule_id, message, loaded_at "
        "from quarantine_rows where (? = '' or prefecture_code = ?) "
        "order by loaded_at desc, source_file, row_number",
        prefecture, prefecture,
    )


def reference_errors(prefecture: str) -> pl.DataFrame:
    if not has("dq_reference_errors"):
        return pl.DataFrame()
    return kept_query(
        "select kind, record_key, header, referenced_id, prefecture_code, source_file, source_row_number, message "
        "from dq_reference_errors where (? = '' or prefecture_code = ?) order by source_file, source_row_number",
        prefecture, prefecture,
    )


def key_conflicts(prefecture: str) -> pl.DataFrame:
    """Records withheld because another prefecture delivered their key first (issue 15): shown to
    both prefectures."""
    if not has("dq_key_conflicts"):
        return pl.DataFrame()
    return kept_query(
        "select kind, key_value, prefecture_code, owner_prefecture_code, source_file from dq_key_conflicts "
        "where (? = '' or prefecture_code = ? or owner_prefecture_code = ?) order by kind, key_value",
        prefecture, prefecture, prefecture,
    )


# ------------------------------------------------------------------ suggestions (fct_suggestions)

# Suggestions whose lead deputy no roster knows are data errors, left out as the indicators do.
_IN_COHORT = """
    where s.has_known_deputy and (? = '' or s.prefecture_code = ?) and (? = '' or s.county = ?)
      and s.assigned_on between ? and ?
"""
_COHORT = "from {table} s left join prefectures p on s.prefecture_code = p.prefecture_code" + _IN_COHORT


def _cohort(sql_select: str, tail: str, scope: Scope, table: str = "fct_suggestions") -> pl.DataFrame:
    if not has("fct_suggestions"):
        return pl.DataFrame()
    return kept_query(f"select {sql_select} {_COHORT.format(table=table)} {tail}", *scope.params())


# The build counts 建议办理's handling units, reply classes, ratings, key supervision and funnel per year
# and quarter of dim_period and per region, prefecture and county (dash_suggestion_units, _outcomes,
# _funnel): the page's period unless a term is chosen. A term (any span of days) is counted here.
_PRECOUNTED = ("where scope_level = ? and scope_code = ? and coalesce(prefecture_code, '') = ? "
               "and period_start = ? and period_end = ?")


def _precounted(scope: Scope, table: str) -> tuple | None:
    """The parameters of `_PRECOUNTED` for the scope when `table` holds its rows, else None."""
    if not has(table) or (scope.county and not scope.prefecture) or not _is_calendar_period(scope.start, scope.end):
        return None
    level, code = (("county", scope.county) if scope.county else ("prefecture", scope.prefecture) if scope.prefecture
                   else ("region", REGION_CODE))
    return level, code, scope.prefecture, scope.start, scope.end


def _is_calendar_period(start: date, end: date) -> bool:
    """Whether the days are a year or a quarter of dim_period: the spans the dash_* marts count by.
    A term is any span of days."""
    period_type = "year" if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) else "quarter"
    return (start, end) in period_spans(period_type, start, end).values()


def _listed(scope: Scope) -> pl.DataFrame:
    """The rows of the overdue and the key-supervised lists, in one query (two before), from
    dash_suggestion_lists (the only suggestions they can show) when the build made it. The
    prefecture's name is looked up here, not joined in SQL (~0.7 ms a query at region scale)."""
    if not has("fct_suggestions"):
        return pl.DataFrame()
    table = "dash_suggestion_lists" if has("dash_suggestion_lists") else "fct_suggestions"
    return once_per_run(("listed", table, repr(scope)), lambda: _named(kept_query(
        "select s.suggestion_id, s.title, s.prefecture_code, s.lead_unit, s.assigned_on, s.due_on, s.replied_on, "
        f"s.reply_class, s.is_replied, s.is_overdue, s.days_overdue, s.is_key_supervised from {table} s {_IN_COHORT} "
        "and (s.is_overdue or s.is_key_supervised)", *scope.params())))


def _named(rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` with prefecture_name first, from their prefecture_code, as `left join prefectures` gave it."""
    names = once_per_run(("prefecture_names",), lambda: dict(  # every prefecture, as the sidebar read them
        reference(_PREFECTURES).select("prefecture_code", "prefecture_name").iter_rows()))
    return rows.select(pl.col("prefecture_code").replace_strict(names, default=None, return_dtype=pl.String).alias(
        "prefecture_name"), pl.all())


def overdue(scope: Scope) -> pl.DataFrame:
    rows = _listed(scope)
    if rows.width == 0:
        return rows
    # As SQL's `order by days_overdue desc, suggestion_id` (DuckDB puts nulls last).
    return rows.filter(pl.col("is_overdue")).sort("days_overdue", "suggestion_id", descending=[True, False],
                                                  nulls_last=True).select(
        "suggestion_id", "title", "prefecture_name", "lead_unit", "assigned_on", "due_on", "days_overdue",
        "is_key_supervised")


def key_supervised(scope: Scope) -> pl.DataFrame:
    rows = _listed(scope)
    if rows.width == 0:
        return rows
    state = pl.when(pl.col("is_replied")).then(pl.lit("replied")).when(pl.col("is_overdue")).then(
        pl.lit("overdue")).otherwise(pl.lit("open")).alias("state")
    return rows.filter(pl.col("is_key_supervised")).sort(
        "is_replied", "days_overdue", "suggestion_id", descending=[False, True, False], nulls_last=True).select(
        "suggestion_id", "title", "prefecture_name", "lead_unit", "assigned_on", "due_on", "replied_on", "reply_class",
        state, "days_overdue")


def by_unit(scope: Scope) -> pl.DataFrame:
    """On-time replies per handling unit; with fct_suggestion_handling each co-unit counts too
    (once per unit), else the lead unit only. Denominator as the indicator: due before as-of or replied."""
    where = _precounted(scope, "dash_suggestion_units")
    if where is not None:  # a year or a quarter: counted by the build
        return kept_query("select unit_name, assigned, replied, due_or_replied, on_time, overdue "
                          f"from dash_suggestion_units {_PRECOUNTED} order by overdue desc, assigned desc, unit_name",
                          *where)
    table, unit = ("fct_suggestion_handling", "s.unit_name") if has("fct_suggestion_handling") else (
        "fct_suggestions", "s.lead_unit")
    if not has(table):
        return pl.DataFrame()
    return kept_query(
        f"select coalesce({unit}, '（未填写）') as unit_name, count(*) as assigned, "
        "count(*) filter (where s.is_replied) as replied, "
        "count(*) filter (where s.is_replied or s.due_on < ?) as due_or_replied, "
        "count(*) filter (where s.is_replied_on_time) as on_time, "
        "count(*) filter (where s.is_overdue) as overdue "
        f"from {table} s "
        "where s.has_known_deputy and (? = '' or s.prefecture_code = ?) and (? = '' or s.county = ?) "
        "and s.assigned_on between ? and ? group by all order by overdue desc, assigned desc, unit_name",
        _suggestions_as_of(), *scope.params(),
    )


def _suggestions_as_of() -> date | None:
    """The suggestions' as-of date, read once per version (a scan of fct_suggestions in every query before)."""
    return reference("select max(as_of) as as_of from fct_suggestions")["as_of"][0]


SATISFACTION_ORDER = ("满意", "基本满意", "不满意", "未反馈")
LEADER_ORDER = ("党政主要领导", "政府副职领导", "常委会领导", "主任会议", "未注明")


def _cohort_counts(scope: Scope) -> pl.DataFrame:
    """The cohort's replies by class and by rating and its 重点督办 by leader: rows (part, category,
    count, replied, overdue), counted once per run for the three parts that read them."""
    return once_per_run(("cohort_counts", repr(scope)), lambda: _count_cohort(scope))


def _count_cohort(scope: Scope) -> pl.DataFrame:
    """One pass over the cohort (no names joined) counted per combination, added up here per part:
    a union of three scans took ~5 ms at region scale, this ~3.5 ms."""
    if not has("fct_suggestions"):
        return pl.DataFrame()
    where = _precounted(scope, "dash_suggestion_outcomes")
    if where is not None:  # a year or a quarter: counted by the build (fct_suggestions has supervising_leader)
        leader = True
        rows = kept_query("select reply_class, rating, leader, is_replied, is_key_supervised, is_overdue, "
                          f"suggestions as count from dash_suggestion_outcomes {_PRECOUNTED}", *where)
    else:
        leader = "supervising_leader" in _columns("fct_suggestions")
        rows = kept_query("select s.reply_class, coalesce(s.satisfaction, '未反馈') as rating, "
                          + ("coalesce(s.supervising_leader, '未注明')" if leader else "'未注明'") + " as leader, "
                          "s.is_replied, s.is_key_supervised, s.is_overdue, count(*) as count "
                          f"from fct_suggestions s {_IN_COHORT} and (s.is_replied or s.is_key_supervised) group by all",
                          *scope.params())
    none = pl.lit(0, dtype=pl.Int64)

    def part(name: str, kept: str, category: str, replied: pl.Expr = none, overdue: pl.Expr = none) -> pl.DataFrame:
        return rows.filter(pl.col(kept)).group_by(pl.col(category).alias("category")).agg(
            pl.col("count").sum(), replied.alias("replied"), overdue.alias("overdue")).select(
            pl.lit(name).alias("part"), "category", "count", "replied", "overdue")

    parts = [part("class", "is_replied", "reply_class"), part("rating", "is_replied", "rating")]
    if leader:
        parts.append(part("leader", "is_key_supervised", "leader",
                          pl.col("count").filter(pl.col("is_replied")).sum(),
                          pl.col("count").filter(pl.col("is_overdue")).sum()))
    return pl.concat(parts)


def _part(rows: pl.DataFrame, part: str) -> pl.DataFrame:
    return rows.filter(pl.col("part") == part).drop("part") if "part" in rows.columns else rows


def _position(order: tuple[str, ...]) -> pl.Expr:
    """list_position(order, category) as SQL orders by it: unknown categories last."""
    return pl.col("category").replace_strict({c: n for n, c in enumerate(order, start=1)}, default=None,
                                             return_dtype=pl.Int64)


def reply_classes(scope: Scope) -> pl.DataFrame:
    rows = _part(_cohort_counts(scope), "class")
    return rows.select("category", "count").sort("category", nulls_last=True) if rows.width else rows


def satisfaction(scope: Scope) -> pl.DataFrame:
    rows = _part(_cohort_counts(scope), "rating")
    return rows.select("category", "count").sort(_position(SATISFACTION_ORDER), "category", nulls_last=True) \
        if rows.width else rows


def funnel(scope: Scope) -> dict[str, int]:
    """Suggestions submitted in the period and how far each got by the as-of date."""
    if not has("fct_suggestions"):
        return {}
    where = _precounted(scope, "dash_suggestion_funnel")
    if where is not None:  # a year or a quarter: counted by the build; no row where nothing was submitted
        row = kept_query(f"select submitted, assigned, replied, concluded from dash_suggestion_funnel {_PRECOUNTED}",
                         *where)
        return row.row(0, named=True) if row.height else dict.fromkeys(("submitted", "assigned", "replied", "concluded"), 0)
    row = kept_query(
        "select count(*) as submitted, count(assigned_on) as assigned, count(replied_on) as replied, "
        "count(concluded_on) as concluded from fct_suggestions "
        "where has_known_deputy and (? = '' or prefecture_code = ?) and (? = '' or county = ?) "
        "and submitted_on between ? and ?",
        *scope.params(),
    )
    return row.row(0, named=True)


# ------------------------------------------------------------------ record lists behind the numbers (issue 17)

RECORD_STATES = ("overdue", "due_soon", "open", "all")
_STATE_SQL = {
    "overdue": "x.is_overdue",
    "due_soon": "not x.is_replied and x.due_on between x.as_of and x.as_of + interval 30 day",
    "open": "not x.is_replied",
    "all": "true",
}


def suggestion_records(scope: Scope, state: str = "overdue", unit: str = "") -> pl.DataFrame:
    """The suggestions behind a number, with the fields that decide it: assigned, due (with an
    approved extension), replied, days overdue or days left. With `unit`, that handling unit's own
    rows (its own reply and timeliness, co-units too, as the unit table counts them)."""
    if not has("fct_suggestions"):
        return pl.DataFrame()
    condition = _STATE_SQL.get(state, _STATE_SQL["overdue"])
    columns = ("s.suggestion_id, s.title, p.prefecture_name, s.county, s.lead_deputy_id as deputy_id, "
               "{unit} as unit_name, s.assigned_on, "
               "x.due_on, x.replied_on, x.days_overdue, case when not x.is_replied and x.due_on >= x.as_of "
               "then date_diff('day', x.as_of, x.due_on) end as days_left, x.reply_class, s.is_key_supervised")
    if unit:
        handling = has("fct_suggestion_handling")
        source = ("fct_suggestion_handling x inner join fct_suggestions s on x.suggestion_id = s.suggestion_id "
                  "and x.unit_name = ?") if handling else "fct_suggestions x inner join fct_suggestions s on " \
                                                          "x.suggestion_id = s.suggestion_id and x.lead_unit = ?"
        if handling:
            source = source.replace("fct_suggestion_handling x", "(select h.*, a.as_of from fct_suggestion_handling h "
                                    "cross join (select max(as_of) as as_of from fct_suggestions) a) x")
        select = columns.format(unit="x.unit_name" if handling else "s.lead_unit")
        params: tuple = (unit, *scope.params())
    else:
        source = "fct_suggestions x inner join fct_suggestions s on x.suggestion_id = s.suggestion_id"
        select = columns.format(unit="s.lead_unit")
        params = scope.params()
    return query(
        f"select {select} from {source} left join prefectures p on s.prefecture_code = p.prefecture_code "
        "where s.has_known_deputy and (? = '' or s.prefecture_code = ?) and (? = '' or s.county = ?) "
        f"and s.assigned_on between ? and ? and {condition} "
        "order by x.days_overdue desc nulls last, x.due_on, s.suggestion_id",
        *params,
    )


def units_to_chase(scope: Scope) -> pl.DataFrame:
    """Per handling unit: suggestions overdue and due within 30 days (not replied), the 催办 list."""
    table, unit = ("fct_suggestion_handling", "s.unit_name") if has("fct_suggestion_handling") else (
        "fct_suggestions", "s.lead_unit")
    if not has(table):
        return pl.DataFrame()
    if table == "fct_suggestion_handling" and has("dash_unit_chase"):  # counted per day by the build
        return kept_query(
            "select coalesce(c.unit_name, '（未填写）') as unit_name, p.prefecture_name, "
            "cast(sum(c.unit_overdue) as bigint) as unit_overdue, cast(sum(c.unit_due_soon) as bigint) as unit_due_soon "
            "from dash_unit_chase c left join prefectures p on c.prefecture_code = p.prefecture_code "
            "where (? = '' or c.prefecture_code = ?) and (? = '' or c.county = ?) and c.assigned_on between ? and ? "
            "group by all having unit_overdue + unit_due_soon > 0 "
            "order by unit_overdue desc, unit_due_soon desc, unit_name",
            *scope.params(),
        )
    return query(
        f"select coalesce({unit}, '（未填写）') as unit_name, p.prefecture_name, "
        "count(*) filter (where s.is_overdue) as unit_overdue, "
        "count(*) filter (where not s.is_replied and s.due_on between a.as_of and a.as_of + interval 30 day) "
        "as unit_due_soon "
        f"from {table} s cross join (select max(as_of) as as_of from fct_suggestions) a "
        "left join prefectures p on s.prefecture_code = p.prefecture_code "
        "where s.has_known_deputy and (? = '' or s.prefecture_code = ?) and (? = '' or s.county = ?) "
        "and s.assigned_on between ? and ? group by all having unit_overdue + unit_due_soon > 0 "
        "order by unit_overdue desc, unit_due_soon desc, unit_name",
        *scope.params(),
    )


# ------------------------------------------------------------------ meetings


def congress_attendance(scope: Scope) -> pl.DataFrame:
    if not has("fct_congress_attendance"):
        return pl.DataFrame()
    if has("dash_congress_attendance"):  # counted per session day, county and status by the build
        return kept_query(
            "select p.prefecture_name, a.status, cast(sum(a.attendances) as bigint) as count "
            "from dash_congress_attendance a left join prefectures p on a.prefecture_code = p.prefecture_code "
            "where (? = '' or a.prefecture_code = ?) and (? = '' or a.county = ?) and a.start_date between ? and ? "
            "group by all order by p.prefecture_name, a.status",
            *scope.params(),
        )
    return query(
        "select p.prefecture_name, a.status, count(*) as count from fct_congress_attendance a "
        "left join prefectures p on a.prefecture_code = p.prefecture_code "
        "where (? = '' or a.prefecture_code = ?) and (? = '' or a.county = ?) and a.start_date between ? and ? "
        "group by all order by p.prefecture_name, a.status",
        *scope.params(),
    )


def observer_meetings(scope: Scope) -> pl.DataFrame:
    """Per standing-committee meeting (meetings belong to a prefecture, not a county)."""
    if not has("fct_attendance"):
        return pl.DataFrame()
    if has("dash_observer_meetings"):  # counted per meeting by the build; rows of a meeting added per name
        return kept_query(
            "select a.meeting_id, a.start_date, p.prefecture_name, cast(sum(a.observers) as bigint) as observers "
            "from dash_observer_meetings a left join prefectures p on a.prefecture_code = p.prefecture_code "
            "where (? = '' or a.prefecture_code = ?) and a.start_date between ? and ? "
            "group by all order by a.start_date, a.meeting_id",
            scope.prefecture, scope.prefecture, scope.start, scope.end,
        )
    return query(
        "select a.meeting_id, a.start_date, p.prefecture_name, "
        "count(*) filter (where a.status = '出席' and a.has_known_deputy) as observers "
        "from fct_attendance a left join prefectures p on a.prefecture_code = p.prefecture_code "
        "where a.meeting_type = '常委会会议' and a.role = '列席' and (? = '' or a.prefecture_code = ?) "
        "and a.start_date between ? and ? group by all order by a.start_date, a.meeting_id",
        scope.prefecture, scope.prefecture, scope.start, scope.end,
    )


# ------------------------------------------------------------------ deputies

_DEPUTY_COLUMNS = (
    "deputy_id, name, gender, ethnicity, level, congress_code, prefecture_code, status, serving_from, "
    "term_end, left_on, phone_masked"
)


def find_deputies(text: str, prefecture: str, limit: int = 50) -> pl.DataFrame:
    if not has("dim_deputy") or not text.strip():
        return pl.DataFrame()
    pattern = f"%{text.strip()}%"
    return query(
        f"select {_DEPUTY_COLUMNS} from dim_deputy where (deputy_id ilike ? or name ilike ?) "
        f"and (? = '' or prefecture_code = ?) order by deputy_id limit {int(limit)}",
        pattern, pattern, prefecture, prefecture,
    )


def deputy_suggestions(deputy_id: str) -> pl.DataFrame:
    if not has("fct_suggestions"):
        return pl.DataFrame()
    # A version built before issue 18 has no first rating or re-handling yet.
    life = (", satisfaction, first_satisfaction, is_rehandled, reply_count"
            if "is_rehandled" in _columns("fct_suggestions") else "")
    return query(
        f"select suggestion_id, title, assigned_on, due_on, replied_on, reply_class, lead_unit{life} from fct_suggestions "
        "where lead_deputy_id = ? order by submitted_on desc",
        deputy_id,
    )


def deputy_meetings(deputy_id: str) -> pl.DataFrame:
    if not has("fct_attendance"):
        return pl.DataFrame()
    return query(
        "select meeting_id, start_date, meeting_type, role, status from fct_attendance "
        "where deputy_id = ? order by start_date desc",
        deputy_id,
    )


def deputy_profile(deputy_id: str) -> pl.DataFrame:
    """The deputy_profile mart (score and its parts) once it is built; empty before."""
    if not has("deputy_profile"):
        return pl.DataFrame()
    return query("select * from deputy_profile where deputy_id = ?", deputy_id)


# ------------------------------------------------------------------ handling units (indicator_values)


def unit_values(indicator_id: str, prefecture: str, period_type: str, period_label: str) -> pl.DataFrame:
    """One indicator for every handling unit (scope_code 'prefecture:unit') in one period."""
    if not has("indicator_values"):
        return pl.DataFrame()
    # Sorted here, not in SQL (~0.8 ms of the query for the region's 1,300 units; one row per unit).
    rows = _values(
        " where v.indicator_id = ? and v.scope_level = 'handling_unit' and v.period_type = ? "
        "and v.period_label = ? and (? = '' or starts_with(v.scope_code, ? || ':'))",
        indicator_id, period_type, period_label, prefecture, prefecture,
    )
    return rows.sort("scope_code") if rows.height else rows


# ------------------------------------------------------------------ stations (dim_station, fct_receptions)

STATION_FLAGS = tuple(name for name, _ in facts.STATION_FLAGS)


def station_flags(prefecture: str, county: str, as_of: date) -> pl.DataFrame:
    """Per 十有 flag: stations established by the as-of date (or undated) having it, as the indicator counts."""
    if not has("dim_station"):
        return pl.DataFrame()
    # One pass over the stations counting every flag, unpivoted here (ten counts of a union: twice as slow).
    counted = ", ".join(f"count(*) filter (where {flag}) as {flag}" for flag in STATION_FLAGS)
    row = kept_query(
        "select count(*) as stations, " + counted + " from dim_station where not is_missing_member "
        "and (established_on is null or established_on <= ?) and (? = '' or prefecture_code = ?) "
        "and (? = '' or county = ?)",
        as_of, prefecture, prefecture, county, county,
    )
    if row.height == 0:
        return pl.DataFrame()
    stations = row["stations"][0]
    return pl.DataFrame({
        "flag": list(STATION_FLAGS),
        "stations_with": [row[flag][0] for flag in STATION_FLAGS],
        "stations": [stations] * len(STATION_FLAGS),
    }, schema={"flag": pl.String, "stations_with": pl.Int64, "stations": pl.Int64}).with_columns(
        share=pl.col("stations_with") / pl.when(pl.col("stations") != 0).then(pl.col("stations")))


def receptions(scope: Scope) -> pl.DataFrame:
    """Receptions per station in the period: visitors, opinions collected and resolved."""
    if not has("fct_receptions"):
        return pl.DataFrame()
    station = "coalesce(d.name, r.station_id)" if has("dim_station") else "r.station_id"
    join = "left join dim_station d on r.station_id = d.station_id" if has("dim_station") else ""
    # Counted per station first, then named (one name per station): joining every reception to its
    # station's name before counting cost ~1.5 ms at region scale.
    if has("dash_station_receptions") and _is_calendar_period(scope.start, scope.end):  # counted by the build
        return kept_query(
            f"select r.station_id, {station} as station_name, r.county, r.receptions, r.visitors, "
            "r.opinions_collected, r.opinions_resolved, r.resolved_share from (select station_id, county, "
            "cast(sum(receptions) as bigint) as receptions, cast(sum(visitors) as bigint) as visitors, "
            "cast(sum(opinions_collected) as bigint) as opinions_collected, "
            "cast(sum(opinions_resolved) as bigint) as opinions_resolved, "
            "sum(opinions_resolved) / nullif(sum(opinions_collected), 0) as resolved_share from dash_station_receptions "
            "where (? = '' or prefecture_code = ?) and (? = '' or county = ?) and period_start = ? and period_end = ? "
            f"group by station_id, county) r {join} order by r.station_id",
            *scope.params(),
        )
    return kept_query(
        f"select r.station_id, {station} as station_name, r.county, r.receptions, r.visitors, r.opinions_collected, "
        "r.opinions_resolved, r.resolved_share from (select station_id, county, count(*) as receptions, "
        "cast(sum(visitors) as bigint) as visitors, cast(sum(opinions_collected) as bigint) as opinions_collected, "
        "cast(sum(opinions_resolved) as bigint) as opinions_resolved, "
        "sum(opinions_resolved) / nullif(sum(opinions_collected), 0) as resolved_share from fct_receptions "
        "where (? = '' or prefecture_code = ?) and (? = '' or county = ?) and reception_date between ? and ? "
        f"group by station_id, county) r {join} order by r.station_id",
        *scope.params(),
    )


# ------------------------------------------------------------------ activities (dash_activity_quarters, fct_activities)


def _groups(prefecture: str) -> tuple[str, tuple]:
    """The number of deputy groups of the scope, as SQL and its parameters."""
    if not has("dim_group"):
        return "0", ()
    return ("(select count(*) from dim_group g where not g.is_missing_member and (? = '' or g.prefecture_code = ?))",
            (prefecture, prefecture))


def _activities_counted(prefecture: str, start: date, end: date) -> pl.DataFrame:
    """Per quarter, counted from fct_activities for the days between the dates."""
    groups, params = _groups(prefecture)
    return query(
        "select strftime(a.activity_date, '%Y') || 'Q' || quarter(a.activity_date) as period_label, "
        f"count(distinct a.group_id) filter (where a.is_collective) as groups_active, {groups} as groups, "
        "count(distinct a.activity_id) as activities_held, count(distinct a.deputy_id) as deputies_active "
        "from fct_activities a where a.has_known_deputy and (? = '' or a.prefecture_code = ?) "
        "and a.activity_date between ? and ? group by all order by period_label",
        *params, prefecture, prefecture, start, end,
    )


def activity_quarters(prefecture: str, start: date, end: date) -> pl.DataFrame:
    """Per quarter of the period (up to `end`): groups with a collective activity out of the groups,
    activities held and deputies taking part (activities belong to a prefecture, not a county).

    Quarters wholly inside the period (or cut only by the as-of date, after which nothing exists)
    come from the pre-counted dash_activity_quarters; a quarter the period cuts (a term starting
    or ending mid-quarter) is counted from fct_activities for its days inside the period."""
    if not has("fct_activities"):
        return pl.DataFrame()
    if not has("dash_activity_quarters"):  # a warehouse published before the mart existed
        return _activities_counted(prefecture, start, end)
    last_day = as_of()
    whole, parts = [], []
    for label, (first, last) in period_spans("quarter", start, end).items():
        if start <= first and (last <= end or (last_day is not None and end >= last_day)):
            whole.append(label)
        else:
            parts.append(_activities_counted(prefecture, max(start, first), min(end, last)))
    if whole:
        groups, params = _groups(prefecture)
        parts.append(kept_query(
            f"select period_label, groups_active, {groups} as groups, activities_held, deputies_active "
            "from dash_activity_quarters where scope_level = ? and scope_code = ? and period_label between ? and ?",
            *params, "prefecture" if prefecture else "region", prefecture or REGION_CODE, whole[0], whole[-1],
        ))
    parts = [part for part in parts if part.height]
    return pl.concat(parts).sort("period_label") if parts else pl.DataFrame()


# ------------------------------------------------------------------ a suggestion's whole life (issue 18)


def due_soon(scope: Scope) -> pl.DataFrame:
    """The 催办 list: per handling unit, suggestions not replied and due within 30 days of the as-of
    date (fct_suggestion_due_soon). As of the as-of date, whatever the period filter."""
    if not has("fct_suggestion_due_soon"):
        return pl.DataFrame()
    return _named(kept_query(
        "select d.unit_name, d.unit_role, d.suggestion_id, d.title, d.assigned_on, d.due_on, "
        "d.days_left, d.extended_due, d.is_key_supervised, d.supervising_leader, d.unit_on_time_rate_last_year, "
        "d.unit_due_or_replied_last_year, d.prefecture_code "
        "from fct_suggestion_due_soon d "
        "where (? = '' or d.prefecture_code = ?) and (? = '' or d.county = ?) "
        "order by d.days_left, d.prefecture_code, d.unit_name, d.suggestion_id",
        scope.prefecture, scope.prefecture, scope.county, scope.county,
    ))


def key_supervised_by_leader(scope: Scope) -> pl.DataFrame:
    """重点督办 suggestions of the cohort by who leads their supervision (empty = 未注明)."""
    if not has("fct_suggestions") or not (_precounted(scope, "dash_suggestion_outcomes")
                                          or "supervising_leader" in _columns("fct_suggestions")):
        return pl.DataFrame()
    rows = _part(_cohort_counts(scope), "leader")
    return rows.sort(_position(LEADER_ORDER), "category", nulls_last=True).select(
        pl.col("category").alias("supervising_leader"), pl.col("count").alias("assigned"), "replied", "overdue") \
        if rows.width else rows


def deputy_reply_history(deputy_id: str) -> pl.DataFrame:
    """Every reply to the suggestions a deputy led: units, interim/formal/re-handling, classes, ratings."""
    if not has("fct_suggestion_replies"):
        return pl.DataFrame()
    return query(
        "select r.suggestion_id, s.title, r.unit_name, r.unit_role, r.reply_no, r.reply_type, r.replied_on, "
        "r.is_on_time, r.reply_class, r.planned_year, r.promise_status, r.consultation, r.result_satisfaction, "
        "r.attitude_satisfaction, r.is_rehandling_after_dissatisfaction, r.reply_source, r.prefecture_code "
        "from fct_suggestion_replies r left join fct_suggestions s on r.suggestion_id = s.suggestion_id "
        "and r.prefecture_code = s.prefecture_code "
        "where r.lead_deputy_id = ? order by s.submitted_on desc, r.suggestion_id, r.replied_on, r.unit_name, r.reply_no",
        deputy_id,
    )


def no_duty_record(prefecture: str, year: int) -> pl.DataFrame:
    """第九十五条: deputies who served in the year and have no suggestion, motion, activity, reception
    or training in it (deputy_profile counts only the days served), with the days served, so a deputy
    elected in November is seen as such."""
    if not has("deputy_profile"):
        return pl.DataFrame()
    if has("dash_no_duty_record"):  # picked by the build
        return kept_query(
            "select p.prefecture_name, d.deputy_id, d.name, d.level, d.congress_code, d.served_from, d.served_until, "
            "d.days_served, d.prefecture_code "
            "from dash_no_duty_record d left join prefectures p on d.prefecture_code = p.prefecture_code "
            "where d.year_number = ? and (? = '' or d.prefecture_code = ?) "
            "order by d.prefecture_code, d.days_served desc, d.deputy_id",
            year, prefecture, prefecture,
        )
    return query(
        "select p.prefecture_name, d.deputy_id, d.name, d.level, d.congress_code, d.served_from, d.served_until, "
        "d.days_served, d.prefecture_code "
        "from deputy_profile d left join prefectures p on d.prefecture_code = p.prefecture_code "
        "where d.year_number = ? and (? = '' or d.prefecture_code = ?) "
        "and d.suggestions_led + d.suggestions_cosigned + d.motions_led + d.motions_cosigned + d.activities "
        "+ d.receptions + d.trainings = 0 "
        "order by d.prefecture_code, d.days_served desc, d.deputy_id",
        year, prefecture, prefecture,
    )


def _columns(table: str) -> set[str]:
    return set(reference(f"select * from {table} limit 0").columns)


def reply_errors(prefecture: str) -> pl.DataFrame:
    """Reply-record problems found across rows and files (dq_reply_errors), for the clerk to fix."""
    if not has("dq_reply_errors"):
        return pl.DataFrame()
    return kept_query(
        "select prefecture_code, source_file, source_row_number, suggestion_id, unit, reply_no, rule_id, message "
        "from dq_reply_errors where (? = '' or prefecture_code = ?) order by source_file, source_row_number",
        prefecture, prefecture,
    )
