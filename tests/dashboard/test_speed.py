"""What makes the dashboard fast keeps its numbers: the pre-counted dash_* marts equal counting the
facts independently, and the shared read-only connection serves concurrent sessions."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import polars as pl
import pytest

from dashboard import context, db, queries
from lvzhi import warehouse

KARAMAY, REGION = "650200", "650000"


@pytest.fixture
def published(handmade_home, monkeypatch):
    monkeypatch.setenv("LVZHI_HOME", str(handmade_home.root))
    return handmade_home


def activities_by_quarter(activities: pl.DataFrame) -> pl.DataFrame:
    """Distinct groups (collective activities only), activities and deputies per quarter, in polars."""
    return activities.with_columns(
        period_label=pl.col("activity_date").dt.year().cast(pl.String) + "Q"
        + pl.col("activity_date").dt.quarter().cast(pl.String)
    ).group_by("period_label").agg(
        groups_active=pl.col("group_id").filter(pl.col("is_collective")).drop_nulls().n_unique(),
        activities_held=pl.col("activity_id").n_unique(),
        deputies_active=pl.col("deputy_id").n_unique(),
    ).sort("period_label")


def test_dash_activity_quarters_equals_counting_the_activities(published):
    mart = warehouse.read_published(published, "select * from dash_activity_quarters")
    facts = warehouse.read_published(published, "select * from fct_activities where has_known_deputy")
    assert facts.height and set(mart["scope_level"]) == {"region", "prefecture"}
    scopes = {(REGION, "region"): facts} | {
        (code, "prefecture"): part for (code,), part in facts.group_by("prefecture_code")}
    for (code, level), part in scopes.items():
        shown = mart.filter((pl.col("scope_level") == level) & (pl.col("scope_code") == code)).select(
            "period_label", "groups_active", "activities_held", "deputies_active").sort("period_label")
        expected = activities_by_quarter(part)
        assert shown.to_dicts() == expected.cast(shown.schema).to_dicts(), code
    assert mart.height == sum(activities_by_quarter(part).height for part in scopes.values())


def test_activity_quarters_counts_only_the_days_a_term_covers(published):
    # 650200_代表活动.csv. From 2024-02-20 to the as-of date 2024-06-30: Q1 keeps A10 only (G2: K5),
    # A08 (02-10) is before; Q2 is whole: A09 (G1: K1), A11 (no group: K3, K4), A13 (K2).
    rows = queries.activity_quarters(KARAMAY, date(2024, 2, 20), date(2024, 6, 30))
    assert rows["period_label"].to_list() == ["2024Q1", "2024Q2"]
    assert rows["groups_active"].to_list() == [1, 1] and rows["groups"].to_list() == [2, 2]
    assert rows["activities_held"].to_list() == [1, 3] and rows["deputies_active"].to_list() == [1, 4]
    # 2023-05-01 to 2023-08-20: Q2 from May (A02 G1: K2, A06 G2: K6), Q3 up to the 20th (A03 G1: K1; A07 is 09-10).
    rows = queries.activity_quarters(KARAMAY, date(2023, 5, 1), date(2023, 8, 20))
    assert rows.select("period_label", "groups_active", "activities_held", "deputies_active").rows() == [
        ("2023Q2", 2, 2, 2), ("2023Q3", 1, 1, 1)]


@pytest.mark.parametrize("prefecture", ["", KARAMAY, "654000"])
@pytest.mark.parametrize("start, end", [(date(2023, 1, 1), date(2023, 12, 31)), (date(2022, 3, 15), date(2024, 6, 30)),
                                        (date(2024, 4, 1), date(2024, 6, 30)), (date(2023, 2, 1), date(2023, 2, 28))])
def test_activity_quarters_from_the_mart_equal_counting_the_facts(published, prefecture, start, end):
    from_mart = queries.activity_quarters(prefecture, start, end)
    counted = queries._activities_counted(prefecture, start, end)
    assert from_mart.to_dicts() == counted.to_dicts()


def test_concurrent_sessions_share_one_connection(published):
    """Streamlit runs each session in its own thread: one cursor per query on the shared attach."""
    sql = "select indicator_id, scope_code, period_label, value from indicator_values where period_label = ? order by all"
    path = str(context.published_path())
    labels = ["2023", "2024", "2024Q1", "2024Q2"] * 10
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda label: db._run(path, sql, (label,)), labels))
    for label, result in zip(labels, results, strict=True):
        assert result.height and result.equals(warehouse.read_published(published, sql, [label]))


# ------------------------------------------------------------------ issue 20: fewer queries, serving marts

SCOPES = [(""), (KARAMAY), ("654000")]
PERIODS = [("year", "2024"), ("year", "2023"), ("quarter", "2024Q2"), ("quarter", "2024Q1")]


def without(monkeypatch, table: str) -> None:
    """As if the published version had no `table`: the page's functions count from the facts again."""
    real = queries.has
    monkeypatch.setattr(queries, "has", lambda name: name != table and real(name))


def same_rows(left: pl.DataFrame, right: pl.DataFrame) -> bool:
    return left.columns == right.columns and left.sort(left.columns).equals(right.sort(right.columns))


@pytest.mark.parametrize("prefecture", SCOPES)
@pytest.mark.parametrize("period_type, label", PERIODS)
def test_a_pages_indicator_rows_equal_asking_for_each_part(published, prefecture, period_type, label):
    """The cards, rankings and matrices taken from one query of the period's rows, and the sparklines
    and trends from one of the trend window's quarters, equal the queries each part ran before."""
    previous = queries.previous_label(period_type, label)
    labels = (label, previous)
    level, code = ("prefecture", prefecture) if prefecture else ("region", REGION)
    cards = queries.indicator_values(level, code, period_type, labels, prefecture=prefecture)
    assert cards.height and same_rows(cards, queries.indicator_values(level, code, period_type, labels))
    assert queries.matrix(period_type, label, prefecture=prefecture).equals(queries.matrix(period_type, label).sort(
        "scope_code", "indicator_id"))
    scopes = tuple(c for c in (REGION, prefecture) if c)
    since, until = date(int(label[:4]) - 1, 1, 1), date(2024, 6, 30)
    sparks = queries.sparklines(level, code, since, until, scopes=scopes)
    assert sparks.height and sparks.equals(queries.sparklines(level, code, since, until))
    for indicator in queries.catalogue()["indicator_id"]:
        ranked = queries.ranking(indicator, period_type, label, prefecture=prefecture)
        assert ranked.equals(queries.ranking(indicator, period_type, label)), indicator
        assert queries.trend(indicator, scopes, since, until, from_page=True).equals(
            queries.trend(indicator, scopes, since, until)), indicator
        if prefecture:
            assert queries.county_ranking(indicator, prefecture, period_type, label, from_page=True).equals(
                queries.county_ranking(indicator, prefecture, period_type, label)), indicator
    if prefecture:
        assert same_rows(queries.county_matrix(prefecture, period_type, label, from_page=True),
                         queries.county_matrix(prefecture, period_type, label))
        for county in queries.counties(prefecture):  # a county's cards come out of its prefecture's rows
            found = queries.indicator_values("county", county, period_type, labels, prefecture=prefecture)
            assert same_rows(found, queries.indicator_values("county", county, period_type, labels)), county
            assert queries.sparklines("county", county, since, until, scopes=(*scopes, county)).equals(
                queries.sparklines("county", county, since, until)), county


def test_previous_labels():
    assert [queries.previous_label(*p) for p in [("year", "2024"), ("quarter", "2024Q1"), ("quarter", "2024Q3"),
                                                 ("term", "650000-14")]] == ["2023", "2023Q4", "2024Q2", ""]


COHORTS = [queries.Scope(p, "", start, end) for p in SCOPES for start, end in [
    (date(2024, 1, 1), date(2024, 12, 31)), (date(2023, 1, 1), date(2023, 12, 31)), (date(2023, 2, 20), date(2024, 5, 9))]]


@pytest.mark.parametrize("scope", COHORTS)
def test_cohort_counts_in_one_query_equal_one_query_each(published, scope):
    def each(select: str, tail: str) -> pl.DataFrame:
        return queries._cohort(select, tail, scope)

    classes = each("s.reply_class as category, count(*) as count", "and s.is_replied group by all order by category")
    ratings = each("coalesce(s.satisfaction, '未反馈') as category, count(*) as count",
                   "and s.is_replied group by all order by min(list_position(['满意', '基本满意', '不满意', '未反馈'], "
                   "coalesce(s.satisfaction, '未反馈'))) nulls last, category")
    leaders = each("coalesce(s.supervising_leader, '未注明') as supervising_leader, count(*) as assigned, "
                   "count(*) filter (where s.is_replied) as replied, count(*) filter (where s.is_overdue) as overdue",
                   "and s.is_key_supervised group by all order by min(list_position(['党政主要领导', '政府副职领导', "
                   "'常委会领导', '主任会议', '未注明'], coalesce(s.supervising_leader, '未注明'))), supervising_leader")
    for expected, found in ((classes, queries.reply_classes(scope)), (ratings, queries.satisfaction(scope)),
                            (leaders, queries.key_supervised_by_leader(scope))):
        assert (expected.height == found.height == 0) or expected.equals(found), (expected, found)


@pytest.mark.parametrize("scope", COHORTS)
def test_units_with_the_as_of_date_passed_equal_reading_it_in_the_query(published, scope):
    """建议办理's handling-unit table: the as-of date read once per version gives what the query's own
    max(as_of) over fct_suggestions gave."""
    expected = db.query(
        "select coalesce(s.unit_name, '（未填写）') as unit_name, count(*) as assigned, "
        "count(*) filter (where s.is_replied) as replied, "
        "count(*) filter (where s.is_replied or s.due_on < a.as_of) as due_or_replied, "
        "count(*) filter (where s.is_replied_on_time) as on_time, count(*) filter (where s.is_overdue) as overdue "
        "from fct_suggestion_handling s cross join (select max(as_of) as as_of from fct_suggestions) a "
        "where s.has_known_deputy and (? = '' or s.prefecture_code = ?) and (? = '' or s.county = ?) "
        "and s.assigned_on between ? and ? group by all order by overdue desc, assigned desc, unit_name",
        *scope.params())
    assert queries.by_unit(scope).equals(expected)


@pytest.mark.parametrize("prefecture", SCOPES)
@pytest.mark.parametrize("as_of", [date(2024, 6, 30), date(2023, 6, 30), date(2000, 1, 1)])
def test_station_flags_in_one_pass_equal_a_count_per_flag(published, prefecture, as_of):
    unpivot = " union all ".join(
        f"select {n} as flag_order, '{flag}' as flag, count(*) filter (where {flag}) as stations_with, "
        f"count(*) as stations from chosen" for n, flag in enumerate(queries.STATION_FLAGS))
    expected = db.query(
        "with chosen as (select * from dim_station where not is_missing_member "
        "and (established_on is null or established_on <= ?) and (? = '' or prefecture_code = ?) and (? = '' or county = ?)) "
        f"select flag, stations_with, stations, stations_with / nullif(stations, 0) as share from ({unpivot}) "
        "order by flag_order", as_of, prefecture, prefecture, "", "")
    assert queries.station_flags(prefecture, "", as_of).equals(expected)


@pytest.mark.parametrize("scope", COHORTS + [queries.Scope(KARAMAY, "白碱滩区", date(2023, 1, 1), date(2024, 12, 31))])
def test_serving_marts_equal_counting_the_facts(published, monkeypatch, scope):
    """dash_unit_chase (总览 催办), dash_observer_meetings (列席) and dash_congress_attendance (人代会出席)
    against grouping the facts as the pages did."""
    def parts() -> dict[str, pl.DataFrame]:
        return {"chase": queries.units_to_chase(scope), "observers": queries.observer_meetings(scope),
                "congress": queries.congress_attendance(scope)}

    found = parts()
    for table in ("dash_unit_chase", "dash_observer_meetings", "dash_congress_attendance"):
        without(monkeypatch, table)
    expected = parts()
    for part in found:
        assert same_rows(found[part], expected[part]), part


def test_serving_marts_hold_rows(published):
    """Each mart has rows in the hand-made records, so the comparisons above compare something."""
    whole = queries.Scope("", "", date(2015, 1, 1), date(2030, 12, 31))
    assert queries.units_to_chase(whole).height and queries.observer_meetings(whole).height
    assert queries.congress_attendance(whole).height
    assert queries.overdue(whole).height and queries.by_unit(whole).height
    assert any(queries.no_duty_record("", year).height for year in (2023, 2024))


def lists_as_sql(scope: queries.Scope) -> tuple[pl.DataFrame, pl.DataFrame]:
    """建议办理's overdue and key-supervised lists as each was one query over fct_suggestions."""
    overdue = queries._cohort(
        "s.suggestion_id, s.title, p.prefecture_name, s.lead_unit, s.assigned_on, s.due_on, s.days_overdue, "
        "s.is_key_supervised", "and s.is_overdue order by s.days_overdue desc, s.suggestion_id", scope)
    key = queries._cohort(
        "s.suggestion_id, s.title, p.prefecture_name, s.lead_unit, s.assigned_on, s.due_on, s.replied_on, "
        "s.reply_class, case when s.is_replied then 'replied' when s.is_overdue then 'overdue' else 'open' end "
        "as state, s.days_overdue",
        "and s.is_key_supervised order by s.is_replied, s.days_overdue desc nulls last, s.suggestion_id", scope)
    return overdue, key


@pytest.mark.parametrize("table", ["dash_suggestion_lists", "fct_suggestions"])
@pytest.mark.parametrize("scope", [queries.Scope("", "", date(2023, 1, 1), date(2024, 6, 30)),
                                   queries.Scope("652300", "昌吉市", date(2024, 1, 1), date(2024, 6, 30)),
                                   queries.Scope("", "", date(2015, 1, 1), date(2030, 12, 31))])
@pytest.mark.parametrize("home", ["handmade_home", "replies_home"])
def test_suggestion_lists_equal_one_query_each(request, monkeypatch, home, scope, table):
    """The two lists out of one query (of dash_suggestion_lists, or of the facts without it) equal
    each list's own query of fct_suggestions, rows and order. The hand-made home has overdue
    suggestions, the reply histories key-supervised ones."""
    monkeypatch.setenv("LVZHI_HOME", str(request.getfixturevalue(home).root))
    if table == "fct_suggestions":
        without(monkeypatch, "dash_suggestion_lists")
    expected = lists_as_sql(scope)
    found = queries.overdue(scope), queries.key_supervised(scope)
    assert found[0].equals(expected[0]) and found[1].equals(expected[1]), (found, expected)
    whole = queries.Scope("", "", date(2015, 1, 1), date(2030, 12, 31))
    assert queries.overdue(whole).height if home == "handmade_home" else queries.key_supervised(whole).height


@pytest.mark.parametrize("scope", COHORTS)
def test_receptions_counted_then_named_equal_naming_then_counting(published, scope):
    expected = db.query(
        "select r.station_id, coalesce(d.name, r.station_id) as station_name, r.county, count(*) as receptions, "
        "cast(sum(r.visitors) as bigint) as visitors, cast(sum(r.opinions_collected) as bigint) as opinions_collected, "
        "cast(sum(r.opinions_resolved) as bigint) as opinions_resolved, "
        "sum(r.opinions_resolved) / nullif(sum(r.opinions_collected), 0) as resolved_share "
        "from fct_receptions r left join dim_station d on r.station_id = d.station_id "
        "where (? = '' or r.prefecture_code = ?) and (? = '' or r.county = ?) and r.reception_date between ? and ? "
        "group by all order by r.station_id", *scope.params())
    assert queries.receptions(scope).equals(expected)
    assert queries.receptions(queries.Scope("", "", date(2015, 1, 1), date(2030, 12, 31))).height


def test_list_order_is_the_sql_order(monkeypatch):
    """The lists' order in polars is the order their SQL gave (nulls last, ties by id), on rows where
    every sort key matters."""
    import duckdb

    s = pl.DataFrame({
        "suggestion_id": ["S3", "S1", "S2", "S4", "S5", "S6"], "title": list("abcdef"), "prefecture_name": ["昌吉州"] * 6,
        "lead_unit": ["u"] * 6, "assigned_on": [date(2024, 1, 1)] * 6, "due_on": [date(2024, 4, 1)] * 6,
        "replied_on": [None, date(2024, 3, 1), None, None, date(2024, 5, 1), None], "reply_class": [None, "A", None, None, "B", None],
        "is_replied": [False, True, False, False, True, False], "is_overdue": [True, False, True, False, False, True],
        "days_overdue": [5, 20, 12, None, 3, 5], "is_key_supervised": [True, True, True, True, False, True]})
    monkeypatch.setattr(queries, "_listed", lambda scope: s)
    scope = queries.Scope("", "", date(2024, 1, 1), date(2024, 12, 31))
    overdue = duckdb.sql("select suggestion_id, title, prefecture_name, lead_unit, assigned_on, due_on, days_overdue, "
                         "is_key_supervised from s where is_overdue order by days_overdue desc, suggestion_id").pl()
    key = duckdb.sql("select suggestion_id, title, prefecture_name, lead_unit, assigned_on, due_on, replied_on, reply_class, "
                     "case when is_replied then 'replied' when is_overdue then 'overdue' else 'open' end as state, "
                     "days_overdue from s where is_key_supervised "
                     "order by is_replied, days_overdue desc nulls last, suggestion_id").pl()
    assert queries.overdue(scope).equals(overdue)
    assert queries.key_supervised(scope).equals(key)


@pytest.mark.parametrize("prefecture", SCOPES)
@pytest.mark.parametrize("year", [2023, 2024])
def test_dash_no_duty_record_equals_filtering_the_profiles(published, monkeypatch, prefecture, year):
    found = queries.no_duty_record(prefecture, year)
    without(monkeypatch, "dash_no_duty_record")
    assert found.equals(queries.no_duty_record(prefecture, year))


RECEPTIONS_SQL = ("select station_id, prefecture_code, count(*) as receptions from fct_receptions "
                  "where reception_date between ? and ? group by all order by station_id")


def test_kept_query_equals_query_and_asks_duckdb_once_per_version(published, monkeypatch):
    """A page's scan kept per published version (db.kept_query) gives what db.query gives, and a
    second run (a toggle, another session) reads the kept rows, not DuckDB."""
    asked = []
    real = db._run
    monkeypatch.setattr(db, "_run", lambda *args: asked.append(args) or real(*args))
    params = (date(2015, 1, 1), date(2030, 12, 31))
    expected = db.query(RECEPTIONS_SQL, *params)
    first, again = db.kept_query(RECEPTIONS_SQL, *params), db.kept_query(RECEPTIONS_SQL, *params)
    assert expected.height and first.equals(expected) and again.equals(expected)
    assert len([a for a in asked if a[1] == RECEPTIONS_SQL]) == 2  # query's own, then kept_query's once
    # a list parameter (list_contains) is kept too
    listed = "select count(*) as n from fct_receptions where list_contains(?, prefecture_code)"
    assert db.kept_query(listed, [KARAMAY])["n"][0] == db.query(listed, [KARAMAY])["n"][0] > 0


def test_kept_rows_still_pass_the_row_filter(published, monkeypatch):
    """Rows kept after a region leader's run are filtered again for a prefecture user's run."""
    sql = "select prefecture_code, count(*) as suggestions from fct_suggestions group by all order by all"
    everyone = db.kept_query(sql)
    assert set(everyone["prefecture_code"]) - {KARAMAY}, "the records hold other prefectures too"
    monkeypatch.setattr(db.auth, "allowed_prefectures", lambda: (KARAMAY,))
    mine = db.kept_query(sql)
    assert mine.height and set(mine["prefecture_code"]) == {KARAMAY}
    assert mine.equals(everyone.filter(pl.col("prefecture_code") == KARAMAY))


def test_kept_results_are_bounded_per_version(published, monkeypatch):
    monkeypatch.setattr(db, "_KEPT_ENTRIES", 3)
    for n in range(5):
        db.kept_query("select ? as n", n)
    kept = db._KEPT[str(context.published_path())]
    assert len(kept) == 3 and [key[2] for key in kept] == ["(2,)", "(3,)", "(4,)"]  # the oldest went first


SUGGESTION_MARTS = ("dash_suggestion_units", "dash_suggestion_outcomes", "dash_suggestion_funnel")


def suggestion_figures(scope: queries.Scope) -> dict[str, object]:
    """What 建议办理 shows from the three marts: units, reply classes, ratings, key supervision, funnel."""
    return {"units": queries.by_unit(scope), "classes": queries.reply_classes(scope),
            "ratings": queries.satisfaction(scope), "leaders": queries.key_supervised_by_leader(scope),
            "funnel": queries.funnel(scope)}


@pytest.mark.parametrize("home", ["handmade_home", "replies_home"])
def test_suggestion_marts_equal_counting_the_facts(request, monkeypatch, home):
    """建议办理's units, reply classes, ratings, key supervision by leader and funnel read from the
    marts the build counted (every year and quarter; the region, every prefecture and county) equal
    counting the facts at view time, as the page did before (and still does for a term)."""
    monkeypatch.setenv("LVZHI_HOME", str(request.getfixturevalue(home).root))
    periods = [span for kind in ("year", "quarter") for span in queries.period_spans(
        kind, date(2000, 1, 1), date(2100, 12, 31)).values()]
    places = [("", "")] + [(code, county) for code in queries.prefectures()["prefecture_code"]
                           for county in ["", *queries.counties(code)]]
    scopes = [queries.Scope(code, county, start, end) for code, county in places for start, end in periods]
    assert len(periods) >= 6 and any(county for _, county in places)
    found = {scope: suggestion_figures(scope) for scope in scopes}
    assert all(queries._precounted(scope, table) for scope in scopes for table in SUGGESTION_MARTS)
    for table in SUGGESTION_MARTS:
        without(monkeypatch, table)
    assert not any(queries._precounted(scope, table) for scope in scopes for table in SUGGESTION_MARTS)
    shown = []  # the parts compared with rows in them, not empty frames
    for scope in scopes:
        expected = suggestion_figures(scope)
        for part, rows in found[scope].items():
            if isinstance(rows, dict):
                assert rows == expected[part], (scope, part)
                shown += [part] * bool(rows["submitted"])
            else:  # the order is the page's: units most overdue first, categories in their order
                assert rows.equals(expected[part]), (scope, part, rows, expected[part])
                shown += [part] * (rows.height > 0)
    counted = Counter(shown)  # the hand-made home has no key-supervised suggestion, the reply histories have
    assert all(counted[part] >= 3 for part in ("units", "classes", "ratings", "funnel")), counted
    assert counted["leaders"] >= 3 or home == "handmade_home", counted


def test_no_page_needs_streamlit_magic():
    """.streamlit/config.toml turns magic off (its rewrite of each page cost the page's first view):
    no page or the router may hold an expression magic would have written (anything but a call or a
    docstring), or it would silently vanish."""
    import ast
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert tomllib.loads((root / ".streamlit" / "config.toml").read_text())["runner"]["magicEnabled"] is False
    scripts = [root / "dashboard" / "app.py", *sorted((root / "dashboard" / "views").glob("*.py"))]
    assert len(scripts) > 10
    bare = []
    for script in scripts:
        for node in ast.walk(ast.parse(script.read_text())):
            for body in (getattr(node, name, None) for name in ("body", "orelse", "finalbody")):
                for i, statement in enumerate(body if isinstance(body, list) else []):
                    docstring = i == 0 and isinstance(getattr(statement, "value", None), ast.Constant)
                    if isinstance(statement, ast.Expr) and not isinstance(statement.value, ast.Call) and not docstring:
                        bare.append(f"{script.name}:{statement.lineno}")
    assert not bare, bare


def test_station_receptions_mart_equals_counting_the_receptions(published, monkeypatch):
    """家室站's receptions per station read from dash_station_receptions (every year and quarter; the
    region, every prefecture and county) equal counting fct_receptions at view time."""
    periods = [span for kind in ("year", "quarter") for span in queries.period_spans(
        kind, date(2000, 1, 1), date(2100, 12, 31)).values()]
    places = [("", "")] + [(code, county) for code in queries.prefectures()["prefecture_code"]
                           for county in ["", *queries.counties(code)]]
    scopes = [queries.Scope(code, county, start, end) for code, county in places for start, end in periods]
    assert all(queries._is_calendar_period(scope.start, scope.end) for scope in scopes)
    found = {scope: queries.receptions(scope) for scope in scopes}
    without(monkeypatch, "dash_station_receptions")
    for scope in scopes:
        assert found[scope].equals(queries.receptions(scope)), scope
    assert sum(rows.height > 0 for rows in found.values()) >= 5
