"""One module per dashboard page; each is a thin script over `dashboard.ui` and `dashboard.db`."""
