"""The filters every page shares (year, quarter, term, prefecture, language), kept in the URL.

A link such as `/?year=2024&quarter=1&prefecture=654000&lang=en` opens the same view; `term=654000-15`
chooses a term (届期) instead of the year or quarter for the indicators that have term rows. A value
the warehouse does not know (a forged prefecture code, a year without data) is ignored and the
default used instead. The current filters live in `st.session_state` for the pages to read.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard import auth, queries
from dashboard.i18n import LANG_KEY, lang, t

QUARTERS = ("", "1", "2", "3", "4")  # "" = whole year
_STATE = "_filters"


@dataclass(frozen=True)
class Filters:
    as_of: date | None
    year: str
    quarter: str
    prefecture: str  # "" = the whole region
    prefecture_name: str
    county: str = ""  # "" = the whole prefecture; counties are named by the records (no code)
    term: str = ""  # "" = by year/quarter; else a congress code such as 654000-15 (period_type 'term')
    term_span: tuple[date, date] | None = None  # the term's first and last day (indicator_values)
    span: tuple[date, date] | None = None  # the period's first and last day, from the published dim_period

    @property
    def period_type(self) -> str:
        return "term" if self.term else "quarter" if self.quarter else "year"

    @property
    def period_label(self) -> str:
        if self.term:
            return self.term
        return f"{self.year}Q{self.quarter}" if self.quarter else self.year

    @property
    def previous_label(self) -> str:
        if self.term:
            return ""  # a term has no previous period to compare with here
        year = int(self.year)
        if not self.quarter:
            return str(year - 1)
        quarter = int(self.quarter)
        return f"{year - 1}Q4" if quarter == 1 else f"{year}Q{quarter - 1}"

    @property
    def scope_level(self) -> str:
        return "county" if self.county else "prefecture" if self.prefecture else "region"

    @property
    def scope_code(self) -> str:
        return self.county or self.prefecture or queries.REGION_CODE

    @property
    def scope_name(self) -> str:
        return f"{self.prefecture_name} {self.county}" if self.county else self.prefecture_name

    @property
    def scope(self) -> queries.Scope:
        return queries.Scope(self.prefecture, self.county, self.start, self.end)

    @property
    def trend_scopes(self) -> tuple[str, ...]:
        """The region, and the chosen prefecture and county: the lines of the trend chart."""
        return tuple(code for code in (queries.REGION_CODE, self.prefecture, self.county) if code)

    @property
    def trend_window(self) -> tuple[date, date]:
        """Quarters of the chosen and the previous year, none after the as-of date."""
        until = min(self.end, self.as_of) if self.as_of else self.end
        return date(int(self.year) - 1, 1, 1), until

    @property
    def start(self) -> date:
        if self.term and self.term_span:
            return self.term_span[0]
        if self.span:
            return self.span[0]
        # A period the models do not hold (it begins after the as-of date): nothing exists in it anyway.
        return date(int(self.year), 3 * int(self.quarter) - 2 if self.quarter else 1, 1)

    @property
    def end(self) -> date:
        if self.term and self.term_span:
            return self.term_span[1]
        if self.span:
            return self.span[1]
        month = 3 * int(self.quarter) if self.quarter else 12
        return date(int(self.year), month, calendar.monthrange(int(self.year), month)[1])


_SEEN = "_url_seen"  # what this session last wrote into the URL, per key
MISSING_YEAR = "_missing_year"  # a year asked for in the URL without data (page_header says so)


def _seed(key: str, valid, default: str) -> None:
    """Before the widget exists: take the URL's value if valid, else the default. The URL wins
    over the widget's state when it changed since this session last wrote it (a drill-through
    link or st.switch_page with query parameters)."""
    seen = st.session_state.setdefault(_SEEN, {})
    wanted = st.query_params.get(key, default)
    url_changed = key in seen and seen[key] != wanted
    if key not in st.session_state or st.session_state[key] not in valid or url_changed:
        st.session_state[key] = wanted if wanted in valid else default


def _keep_in_url(key: str, value: str, default: str) -> None:
    if value == default:
        st.query_params.pop(key, None)
    elif st.query_params.get(key) != value:
        st.query_params[key] = value
    st.session_state.setdefault(_SEEN, {})[key] = value


def nearest_year(wanted: str, years: list[str]) -> str | None:
    """The year with data closest to `wanted` (the later one on a tie)."""
    if not years or not wanted.isdigit():
        return years[0] if years else None
    return min(years, key=lambda y: (abs(int(y) - int(wanted)), -int(y)))


def language_switch() -> None:
    """The English toggle; `lang=en` in the URL switches too."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = st.query_params.get("lang") == "en"
    st.sidebar.toggle(t("english"), key=LANG_KEY)
    _keep_in_url("lang", lang(), "zh")


def sidebar() -> Filters:
    """Draw the shared filters in the sidebar and remember them for the pages."""
    as_of = queries.as_of()
    years = queries.years() or [str((as_of or date.today()).year)]
    default_year = str(as_of.year) if as_of and str(as_of.year) in years else years[0]
    codes = queries.prefectures()  # a prefecture user's own codes only
    allowed = auth.allowed_prefectures()  # and then no whole-region choice either
    names = dict(zip(codes["prefecture_code"], _names(codes), strict=True))
    choices = [*names] if allowed is not None else ["", *names]
    default_prefecture = choices[0] if allowed is not None else ""

    asked = st.query_params.get("year")
    if asked and asked not in years and st.session_state.get(_SEEN, {}).get("year") != asked:
        st.session_state[MISSING_YEAR] = (asked, nearest_year(asked, years))
    else:
        st.session_state.pop(MISSING_YEAR, None)
    _seed("year", years, default_year)
    _seed("quarter", QUARTERS, "")
    _seed("prefecture", choices, default_prefecture)

    st.sidebar.caption(t("filters"))
    st.sidebar.selectbox(t("year"), years, key="year")
    st.sidebar.selectbox(t("quarter"), QUARTERS, key="quarter",
                         format_func=lambda q: f"Q{q}" if q else t("whole_year"))
    st.sidebar.selectbox(t("prefecture"), choices, key="prefecture",
                         format_func=lambda code: names.get(code, t("region")))
    chosen = st.session_state["prefecture"]
    counties = queries.counties(chosen) if chosen else []
    _seed("county", ["", *counties], "")
    if counties:
        st.sidebar.selectbox(t("county"), ["", *counties], key="county",
                             format_func=lambda county: county or t("whole_prefecture"))
    county = st.session_state["county"] if counties else ""
    level, code = ("county", county) if county else ("prefecture", chosen) if chosen else ("region", queries.REGION_CODE)
    spans = queries.terms(level, code)
    _seed("term", ["", *spans], "")
    # Each option's label is asked for on every run (1,083 terms for the region): one dictionary.
    term_labels = {"": t("no_term"), **_term_labels(tuple(spans), tuple(names.items()), lang())}
    st.sidebar.selectbox(t("term"), ["", *spans], key="term", format_func=term_labels.get,
                         help=t("term_help"))
    term = st.session_state["term"]
    for key, value, default in (("year", st.session_state["year"], default_year),
                                ("quarter", st.session_state["quarter"], ""), ("prefecture", chosen, default_prefecture),
                                ("county", county, ""), ("term", term, "")):
        _keep_in_url(key, value, default)

    year, quarter = st.session_state["year"], st.session_state["quarter"]
    span = queries.period_span("quarter" if quarter else "year", f"{year}Q{quarter}" if quarter else year)
    filters = Filters(as_of, year, quarter, chosen, names.get(chosen, t("region")), county, term, spans.get(term), span)
    st.session_state[_STATE] = filters
    return filters


@functools.lru_cache(maxsize=64)
def _term_labels(terms: tuple[str, ...], names: tuple[tuple[str, str], ...], language: str) -> dict[str, str]:
    known = dict(names)
    return {term: congress_label(term, known, language) for term in terms}


def congress_label(term: str, names: dict[str, str] | None = None, language: str | None = None) -> str:
    """A congress code with its term (654000-15) in words: 伊犁哈萨克自治州人大 第15届; a county or
    township congress whose name the warehouse does not hold: 代码 654002101 第19届."""
    code, _, number = term.partition("-")
    if names is None:
        prefectures = queries.prefectures()
        names = dict(zip(prefectures["prefecture_code"], _names(prefectures), strict=True))
    if (language or lang()) == "en":
        return f"{names.get(code, code)} congress, term {number}" if number else term
    if not number:
        return term
    if code in names:
        return f"{names[code]}人大 第{number}届"
    if code == queries.REGION_CODE:
        return f"自治区人大 第{number}届"
    return f"代码 {code} 第{number}届"


def _names(codes) -> list[str]:
    column = "prefecture_name_en" if lang() == "en" else "prefecture_name"
    return codes[column].to_list()


def current() -> Filters:
    return st.session_state[_STATE]
