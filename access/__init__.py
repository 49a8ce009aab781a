"""Who may do what: users and roles, the audit trail, the app database and the SQL sandbox.

Used alike by the dashboard and the command line; imports only the core (lvzhi.home, lvzhi.warehouse)."""
