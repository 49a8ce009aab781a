"""The lvzhi dashboard (Streamlit): `app.py` routes, `views/` holds one file per page."""
