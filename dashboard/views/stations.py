"""家室站: stations meeting the ten standards, receptions, opinions resolved."""

from dashboard import ui

ui.family_page("page_stations", ("stations",), key="stations_rank")
