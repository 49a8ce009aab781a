"""总览: first what needs attention (off-target indicators, the prefecture × indicator matrix, the
overdue and due-soon suggestions by handling unit), then every family's indicators against their
targets, the ranking (prefectures, or a prefecture's counties) and the quarterly trend."""

import polars as pl

from dashboard import exceptions, queries, ui
from dashboard.filters import current

FAMILIES = ("suggestions", "meetings", "motions", "activities", "liaison", "stations", "trainings", "projects")
# The suggestion family has twelve indicators: the overview shows these, the 建议办理 page all of them.
LEFT_TO_THEIR_PAGE = ("suggestion_in_progress_rate", "suggestion_fully_satisfied_rate", "suggestion_feedback_rate",
                      "suggestion_solved_or_planned_rate", "suggestion_extension_rate",
                      "suggestion_median_days_to_reply",
                      # the reply-record indicators (#18) are read on 建议办理; the overview stays on two printed pages
                      "suggestion_rehandling_rate", "suggestion_final_satisfaction_rate",
                      "suggestion_attitude_satisfaction_rate", "suggestion_consultation_rate", "promise_kept_rate",
                      "key_supervised_count")

f = current()
ui.page_header("page_overview", f)
shown_ids = [i for i in queries.catalogue().filter(pl.col("family").is_in(FAMILIES))["indicator_id"]
             if i not in LEFT_TO_THEIR_PAGE]
exceptions.render(f, shown_ids)
shown = ui.family_cards(f, FAMILIES, leave_out=LEFT_TO_THEIR_PAGE, flow=True)
ui.ranking_and_trend(f, shown, key="overview_rank", tiles=True)
ui.definitions(FAMILIES, f)
