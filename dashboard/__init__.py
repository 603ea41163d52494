"""Readers' views of the published warehouse: the Streamlit dashboard (app.py) and the figures and queries it
shares with the quarterly report (scripts/report.py)."""
