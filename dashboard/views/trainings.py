"""培训: induction and duty training coverage."""

from dashboard import ui

ui.family_page("page_trainings", ("trainings",), key="trainings_rank")
