"""联系代表: committee members' contacts with their linked deputies."""

from dashboard import ui

ui.family_page("page_liaison", ("liaison",), key="liaison_rank")
