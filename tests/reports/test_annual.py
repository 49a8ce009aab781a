"""The annual deputy-work draft from the Turpan 2024 records: seed 001's figures, written as seed 001 writes
them; a changed record changes the sentence; every appendix figure equals indicator_values or an
independent computation; the docx opens in LibreOffice and its PDF carries Chinese text."""

from __future__ import annotations

import shutil
import zipfile

import polars as pl
import pytest

from lvzhi.warehouse import connect_published, read_published
from reports.annual import appendix_rows, draft, write_annual
from reports.figures import ReportError, collect
from tests.reports.conftest import TURPAN_AS_OF

SEED_001 = [  # section 五 of seed 001, as written there
    "组成人员联系代表182名",
    "各级人大代表参加2415人次",
    "3件议案、32件建议全部办完并答复代表",
    "培训5批次1320人次",
    "各区县票决民生实事30项",
    "各乡镇票决民生实事192项",
    "办结率98.6%",
    "测评代表满意率100%",
    "“家站”254个",
]


def facts_of(home, prefecture="650400"):
    con = connect_published(home)
    try:
        return collect(con, 2024, prefecture)
    finally:
        con.close()


def text_of(home, prefecture="650400") -> str:
    return "".join(part.text for part in draft(facts_of(home, prefecture)))


def test_turpan_draft_writes_seed_001_figures(turpan_home):
    facts = facts_of(turpan_home)
    text = "".join(part.text for part in draft(facts))
    for phrase in SEED_001:
        assert phrase in text, phrase
    assert text.startswith("深化拓展“三联”机制。市人大常委会组成人员联系代表182名")
    if facts.supervision_by_leader is not None:  # supervising_leader arrives with issue 18's schema
        assert "市委、市政府主要领导领衔督办2件，各副市长领衔督办29件，常委会主任会议研究确定重点督办代表建议10件" in text
    else:
        assert "重点督办代表建议41件" in text
    # what is not all done is said plainly
    assert "182对联系中176对全年联系两次以上（96.7%），6对不足两次" in text
    assert "（219项已办结，3项正在实施）" in text


def test_one_unanswered_suggestion_changes_the_sentence(turpan_one_unanswered):
    text = text_of(turpan_one_unanswered)
    assert "32件建议已答复31件，1件正在办理" in text
    assert "全部办完并答复代表，一批" not in text
    assert "3件议案全部办结" in text


def test_region_draft_and_other_as_of(turpan_home):
    region = text_of(turpan_home, None)
    assert region.startswith("深化拓展“三联”机制。各级人大常委会组成人员联系代表182名")
    con = connect_published(turpan_home)
    try:
        with pytest.raises(ReportError, match="统计日"):
            collect(con, 2024, "650400", as_of=TURPAN_AS_OF.replace(day=30))
        with pytest.raises(ReportError, match="999999"):
            collect(con, 2024, "999999")
    finally:
        con.close()


def _independent(home) -> dict[str, tuple]:
    """The figures recomputed with polars from whole mart tables (no SQL shared with reports/)."""
    def table(name):
        return read_published(home, f"select * from {name}").filter(pl.col("prefecture_code") == "650400")

    pairs = table("fct_liaison_pairs").filter(pl.col("year") == 2024)
    acts = table("fct_activities").filter(pl.col("activity_date").dt.year() == 2024)
    sugg = table("fct_suggestions").filter(pl.col("assigned_on").dt.year() == 2024)
    session = sugg.filter(pl.col("channel") == "会议期间")
    between = sugg.filter(pl.col("channel") != "会议期间")
    motions = table("fct_motions").filter(pl.col("is_accepted") & (pl.col("assigned_on").dt.year() == 2024))
    trainings = table("fct_trainings").filter(pl.col("training_date").dt.year() == 2024)
    projects = table("fct_livelihood_projects").filter(pl.col("voted_on").dt.year() == 2024)
    handling = table("fct_suggestion_handling").filter(pl.col("assigned_on").dt.year() == 2024)
    replied = sugg.filter(pl.col("is_replied"))
    out = {
        "liaison_deputies": (pairs.filter(pl.col("member_role") == "常委会组成人员")["deputy_id"].n_unique(),),
        "liaison_deputies_other": (pairs.filter(pl.col("member_role") != "常委会组成人员")["deputy_id"].n_unique(),),
        "reports_person_times": (acts.filter(pl.col("activity_type") == "述职").height,),
        "reports_events": (acts.filter(pl.col("activity_type") == "述职")["activity_id"].n_unique(),),
        "key_supervised": (sugg["is_key_supervised"].sum(), sugg["is_key_supervised"].sum(), sugg.height),
        "session_suggestions_replied": (None, session["is_replied"].sum(), session.height),
        "session_suggestions_concluded": (None, session["concluded_on"].is_not_null().sum(), session.height),
        "between_suggestions_replied": (None, between["is_replied"].sum(), between.height),
        "between_suggestions_concluded": (None, between["concluded_on"].is_not_null().sum(), between.height),
        "motions": (None, motions["is_concluded"].sum(), motions.height),
        "dissatisfied": (None, (sugg["satisfaction"] == "不满意").sum(), sugg["has_feedback"].sum()),
        "handling_units": (handling["handling_unit_id"].n_unique(),),
        "training_batches": (trainings["training_id"].n_unique(),),
        "training_person_times": (trainings.height,),
        "projects_district": ((projects["level"] == "县区").sum(),),
        "projects_township": ((projects["level"] == "乡镇").sum(),),
        "projects_rating": (projects.filter(pl.col("is_completed"))["satisfaction_rate"].mean(), None,
                            projects.filter(pl.col("is_completed"))["satisfaction_rate"].count()),
    }
    for cls in "ABCD":
        out[f"class_{cls}"] = (None, (replied["reply_class"] == cls).sum(), replied.height)
    return out


def test_every_appendix_figure_is_checked(turpan_home):
    facts = facts_of(turpan_home)
    values = read_published(turpan_home, "select indicator_id, numerator, denominator, value from indicator_values "
                            "where scope_level = 'prefecture' and scope_code = '650400' and period_type = 'year' "
                            "and period_label = '2024'")
    by_id = {row["indicator_id"]: row for row in values.iter_rows(named=True)}
    independent = _independent(turpan_home)
    rows = {row["key"]: row for row in appendix_rows(facts)}
    assert set(rows) == set(facts.figures)
    for key, figure in facts.figures.items():
        if figure.indicator_id:
            row = by_id[figure.indicator_id]
            assert (figure.numerator, figure.denominator) == (row["numerator"], row["denominator"]) or (
                figure.value == row["denominator"] and figure.numerator is None), key
            assert rows[key]["来源"] == f"指标 {figure.indicator_id}"
        elif key.startswith("key_supervised:"):
            leader = key.split(":", 1)[1]
            sugg = read_published(turpan_home, "select * from fct_suggestions where prefecture_code = '650400' "
                                  "and year(assigned_on) = 2024 and is_key_supervised")
            assert figure.value == sugg.filter(pl.col("supervising_leader").fill_null("未注明") == leader).height
        else:
            expected = independent[key]
            if len(expected) == 1:
                assert figure.value == expected[0], key
            else:
                value, numerator, denominator = expected
                if value is not None:
                    assert figure.value == pytest.approx(value), key
                if numerator is not None:
                    assert figure.numerator == numerator, key
                assert figure.denominator == denominator, key
        assert rows[key]["统计日"] == "2024-12-31"
    assert facts.freshness and facts.freshness[0]["last_submitted_on"].isoformat() == "2025-01-05"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_docx_opens_in_libreoffice_and_pdf_has_chinese_text(turpan_home, tmp_path):
    from pypdf import PdfReader

    out, _ = write_annual(turpan_home, 2024, "650400", tmp_path / "吐鲁番市_2024_代表工作.docx", pdf=True)
    with zipfile.ZipFile(out) as docx:
        document = docx.read("word/document.xml").decode("utf-8")
        footer = "".join(docx.read(name).decode("utf-8") for name in docx.namelist() if "footer" in name)
        assert 'w:eastAsia="' in document and "附：数据来源" in document and "附：各承办单位代表建议办理情况" in document
        assert "PAGE" in footer
        assert 'w:w="11906"' in document and 'w:h="16838"' in document  # A4 in twentieths of a point
    pdf = PdfReader(out.with_suffix(".pdf"))
    text = "".join(page.extract_text() for page in pdf.pages).replace(" ", "").replace("\n", "")
    assert "组成人员联系代表182名" in text
    assert "附：数据来源" in text
    assert len(pdf.pages) >= 2


def test_wording_and_figures_in_chinese_style():
    from reports.annual import _done_sentence, _motions_sentence
    from reports.numbers import count, percent, rate

    assert _done_sentence("建议", "件", 32, 32, 32) == "32件建议全部办完并答复代表"
    assert _done_sentence("建议", "件", 30, 30, 32) == "32件建议已答复30件，2件正在办理"
    assert _done_sentence("建议", "件", 32, 30, 32) == "32件建议全部答复代表，已办结30件，2件正在办理"
    assert _motions_sentence(3, 3) == "3件议案全部办结" and _motions_sentence(2, 3) == "3件议案已办结2件，1件正在办理"
    assert percent(219, 222) == "98.6%" and percent(222, 222) == "100%" and percent(2221, 2222) == "99.9%"
    assert percent(1, 3000) == "0.1%" and percent(0, 5) == "0%" and percent(1, 0) is None
    assert count(2415.0) == "2415" and rate(100.0) == "100%" and rate(96.54) == "96.5%"
