"""闭会期间活动: group activity by quarter and deputy participation."""

from dashboard import ui

ui.family_page("page_activities", ("activities",), key="activities_rank")
